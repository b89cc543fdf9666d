import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { SoftwareAuthenticator } from "@/test/support/software-authenticator";
import { createOrganisation, createPerson, TEST_PASSWORD } from "@/test/support/signet-accounts";
import { verifyChain } from "@/lib/audit/verify-chain";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { ValidationError } from "@/lib/access/access-errors";
import { SignInThrottledError } from "@/lib/auth/auth-errors";
import { Role } from "@/lib/access/roles";
import { CHALLENGE_TTL_SECONDS } from "@/lib/auth/passkeys/auth-challenges";
import { listPasskeys, removePasskey, renamePasskey } from "@/lib/auth/passkeys/manage-passkeys";
import { PasskeyError } from "@/lib/auth/passkeys/passkey-errors";
import { beginPasskeyRegistration, finishPasskeyRegistration } from "@/lib/auth/passkeys/passkey-registration";
import { beginPasskeySignIn, signInWithPasskey } from "@/lib/auth/passkeys/passkey-sign-in";
import type { RelyingParty } from "@/lib/auth/passkeys/relying-party";

const rp: RelyingParty = { id: "localhost", name: "Signet", origin: "http://localhost:3000" };
const request = { ip: "192.0.2.10", userAgent: "vitest" };
let t: TestDatabase;
let orgId: string;
let person: { userId: string; email: string };

beforeAll(async () => {
  t = await createTestDatabase();
  ({ orgId } = await createOrganisation(t.db));
  person = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
});
afterAll(async () => t?.drop());

async function register(authenticator: SoftwareAuthenticator, name = "Laptop", userId = person.userId) {
  const start = await beginPasskeyRegistration(t.db, userId, TEST_PASSWORD, request, rp);
  return finishPasskeyRegistration(
    t.db,
    userId,
    { challengeId: start.challengeId, name, response: authenticator.register(start.options) },
    request,
    rp,
  );
}

async function auditCount(action: string): Promise<number> {
  return t.db.auditEntry.count({ where: { chainId: chainIdFor(orgId), action } });
}

describe("passkey registration", () => {
  it("asks for the password again first, and gives options with UV required, a preferred resident key and the user handle", async () => {
    await expect(beginPasskeyRegistration(t.db, person.userId, "not the password", request, rp)).rejects.toBeInstanceOf(
      ValidationError,
    );
    const start = await beginPasskeyRegistration(t.db, person.userId, TEST_PASSWORD, request, rp);
    expect(start.options.rp).toEqual({ id: "localhost", name: "Signet" });
    expect(start.options.authenticatorSelection).toMatchObject({
      residentKey: "preferred",
      userVerification: "required",
    });
    expect(Buffer.from(start.options.user.id, "base64url").toString("hex")).toBe(person.userId.replace(/-/g, ""));
    expect(start.options.user.name).toBe(person.email);
    const stored = await t.db.authChallenge.findUniqueOrThrow({ where: { id: start.challengeId } });
    expect(stored).toMatchObject({
      purpose: "passkey.register",
      userId: person.userId,
      challenge: start.options.challenge,
      consumedAt: null,
    });
    const ttl = (stored.expiresAt.getTime() - stored.createdAt.getTime()) / 1000;
    expect(ttl).toBeCloseTo(CHALLENGE_TTL_SECONDS, 0);
  });

  it("stores a verified credential with its details and audits it", async () => {
    const authenticator = new SoftwareAuthenticator();
    const before = await auditCount("passkey.registered");
    const { credentialId } = await register(authenticator, "  Work laptop ");
    const stored = await t.db.passkey.findUniqueOrThrow({ where: { id: credentialId } });
    expect(stored).toMatchObject({
      id: authenticator.id,
      userId: person.userId,
      name: "Work laptop",
      counter: 0,
      transports: "internal",
      deviceType: "singleDevice",
      backedUp: false,
    });
    expect(Buffer.from(stored.publicKey).equals(authenticator.cosePublicKey())).toBe(true);
    expect(await auditCount("passkey.registered")).toBe(before + 1);
    const entry = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(orgId), action: "passkey.registered" },
      orderBy: { seq: "desc" },
    });
    expect(entry.data).toMatchObject({ credentialId, name: "Work laptop" });
  });

  it("refuses an authenticator that did not verify the user, a reused challenge, a foreign origin, and another person's challenge", async () => {
    const start = await beginPasskeyRegistration(t.db, person.userId, TEST_PASSWORD, request, rp);
    const noUv = new SoftwareAuthenticator().register(start.options, { uv: false });
    await expect(
      finishPasskeyRegistration(
        t.db,
        person.userId,
        { challengeId: start.challengeId, name: "No UV", response: noUv },
        request,
        rp,
      ),
    ).rejects.toMatchObject({ code: "passkey.not_verified" });

    const phishing = new SoftwareAuthenticator().register(start.options, { origin: "https://evil.example" });
    await expect(
      finishPasskeyRegistration(
        t.db,
        person.userId,
        { challengeId: start.challengeId, name: "Phished", response: phishing },
        request,
        rp,
      ),
    ).rejects.toMatchObject({ code: "passkey.not_verified" });

    const other = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    const good = new SoftwareAuthenticator().register(start.options);
    await expect(
      finishPasskeyRegistration(
        t.db,
        other.userId,
        { challengeId: start.challengeId, name: "Theirs", response: good },
        request,
        rp,
      ),
    ).rejects.toMatchObject({ code: "passkey.challenge_unusable" });

    await finishPasskeyRegistration(
      t.db,
      person.userId,
      { challengeId: start.challengeId, name: "Phone", response: good },
      request,
      rp,
    );
    const again = new SoftwareAuthenticator().register(start.options);
    await expect(
      finishPasskeyRegistration(
        t.db,
        person.userId,
        { challengeId: start.challengeId, name: "Again", response: again },
        request,
        rp,
      ),
    ).rejects.toMatchObject({ code: "passkey.challenge_unusable" });
    expect(await t.db.passkey.count({ where: { userId: other.userId } })).toBe(0);
  });

  it("refuses an expired challenge and a bad name, keeping what was typed out of the database", async () => {
    const start = await beginPasskeyRegistration(t.db, person.userId, TEST_PASSWORD, request, rp);
    const response = new SoftwareAuthenticator().register(start.options);
    await expect(
      finishPasskeyRegistration(
        t.db,
        person.userId,
        { challengeId: start.challengeId, name: "   ", response },
        request,
        rp,
      ),
    ).rejects.toThrow(/Give the passkey a name/);
    await t.db.authChallenge.update({
      where: { id: start.challengeId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await expect(
      finishPasskeyRegistration(
        t.db,
        person.userId,
        { challengeId: start.challengeId, name: "Late", response },
        request,
        rp,
      ),
    ).rejects.toMatchObject({ code: "passkey.challenge_unusable" });
  });

  it("lists, renames and removes only the person's own passkeys, auditing removal", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { credentialId } = await register(authenticator, "Old tablet");
    const list = await listPasskeys(t.db, person.userId);
    expect(list.map((p) => p.name)).toContain("Old tablet");
    expect(list[0]).not.toHaveProperty("publicKey");

    await renamePasskey(t.db, person.userId, credentialId, "Tablet");
    const other = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    await expect(renamePasskey(t.db, other.userId, credentialId, "Mine now")).rejects.toBeInstanceOf(PasskeyError);
    await expect(removePasskey(t.db, other.userId, credentialId, request)).rejects.toMatchObject({
      code: "passkey.not_found",
    });

    const before = await auditCount("passkey.removed");
    await removePasskey(t.db, person.userId, credentialId, request);
    expect(await t.db.passkey.count({ where: { id: credentialId } })).toBe(0);
    expect(await auditCount("passkey.removed")).toBe(before + 1);
  });
});

describe("signing in with a passkey", () => {
  let authenticator: SoftwareAuthenticator;
  beforeAll(async () => {
    authenticator = new SoftwareAuthenticator();
    await register(authenticator, "Sign-in key");
  });

  it("offers discoverable-credential options (no allowCredentials) with UV required", async () => {
    const { options, challengeId } = await beginPasskeySignIn(t.db, request, rp);
    expect(options.allowCredentials).toBeUndefined();
    expect(options.userVerification).toBe("required");
    expect(options.rpId).toBe("localhost");
    expect((await t.db.authChallenge.findUniqueOrThrow({ where: { id: challengeId } })).purpose).toBe(
      "passkey.sign_in",
    );
  });

  it("signs the owner of the passkey in, moves the counter, audits method and credential", async () => {
    const { options, challengeId } = await beginPasskeySignIn(t.db, request, rp);
    const user = await signInWithPasskey(
      t.db,
      { challengeId, response: authenticator.assert(options.challenge) },
      request,
      rp,
    );
    expect(user).toMatchObject({ id: person.userId, email: person.email });
    const stored = await t.db.passkey.findUniqueOrThrow({ where: { id: authenticator.id } });
    expect(stored.counter).toBe(authenticator.counter);
    expect(stored.lastUsedAt).not.toBeNull();
    const entry = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(orgId), action: "auth.sign_in" },
      orderBy: { seq: "desc" },
    });
    expect(entry.data).toMatchObject({ method: "passkey", credentialId: authenticator.id });
    expect(entry.actorId).toBe(person.userId);
  });

  it("refuses a replayed assertion, UV=false, a counter that goes backwards, a foreign origin, and an unknown credential — each audited", async () => {
    const failuresBefore = await t.db.auditEntry.count({ where: { action: "auth.sign_in_failed" } });
    const attempt = async (make: (challenge: string) => Parameters<typeof signInWithPasskey>[1]) => {
      const { options, challengeId } = await beginPasskeySignIn(t.db, request, rp);
      return signInWithPasskey(t.db, { challengeId, ...(make(options.challenge) as object) }, request, rp).catch(
        (e: unknown) => e,
      );
    };

    const first = await beginPasskeySignIn(t.db, request, rp);
    const assertion = authenticator.assert(first.options.challenge);
    await signInWithPasskey(t.db, { challengeId: first.challengeId, response: assertion }, request, rp);
    const replay = await signInWithPasskey(
      t.db,
      { challengeId: first.challengeId, response: assertion },
      request,
      rp,
    ).catch((e: unknown) => e);
    expect(replay).toMatchObject({ code: "passkey.sign_in_failed" });

    expect(await attempt((c) => ({ response: authenticator.assert(c, { uv: false }) }))).toMatchObject({
      code: "passkey.sign_in_failed",
    });
    expect(await attempt((c) => ({ response: authenticator.assert(c, { counter: 1 }) }))).toMatchObject({
      code: "passkey.sign_in_failed",
    });
    expect(
      await attempt((c) => ({ response: authenticator.assert(c, { origin: "https://evil.example" }) })),
    ).toMatchObject({ code: "passkey.sign_in_failed" });
    expect(await attempt((c) => ({ response: new SoftwareAuthenticator().assert(c) }))).toMatchObject({
      code: "passkey.sign_in_failed",
    });
    expect(await attempt(() => ({ response: { id: "not json at all" } }))).toMatchObject({
      code: "passkey.sign_in_failed",
    });

    const reasons = (
      await t.db.auditEntry.findMany({ where: { action: "auth.sign_in_failed" }, orderBy: [{ at: "asc" }] })
    )
      .slice(failuresBefore)
      .map((e) => (e.data as { reason: string }).reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        "challenge_unusable",
        "uv_required",
        "bad_assertion",
        "unknown_credential",
        "invalid_response",
      ]),
    );
  });

  it("refuses an assertion made for another sign-in challenge and one whose user handle is not the owner's", async () => {
    const a = await beginPasskeySignIn(t.db, request, rp);
    const b = await beginPasskeySignIn(t.db, request, rp);
    await expect(
      signInWithPasskey(
        t.db,
        { challengeId: b.challengeId, response: authenticator.assert(a.options.challenge) },
        request,
        rp,
      ),
    ).rejects.toMatchObject({ code: "passkey.sign_in_failed" });
    const forged = authenticator.assert(b.options.challenge);
    forged.response.userHandle = Buffer.alloc(16, 7).toString("base64url");
    await expect(
      signInWithPasskey(t.db, { challengeId: b.challengeId, response: forged }, request, rp),
    ).rejects.toMatchObject({ code: "passkey.sign_in_failed" });
  });

  it("throttles a client address after repeated failures, as password sign-in does", async () => {
    const noisy = { ip: "198.51.100.99", userAgent: "vitest" };
    let last: unknown;
    for (let i = 0; i < 30; i++) {
      const { options, challengeId } = await beginPasskeySignIn(t.db, noisy, rp);
      last = await signInWithPasskey(
        t.db,
        { challengeId, response: authenticator.assert(options.challenge, { uv: false }) },
        noisy,
        rp,
      ).catch((e: unknown) => e);
    }
    expect(last).toBeInstanceOf(SignInThrottledError);
    await expect(beginPasskeySignIn(t.db, noisy, rp)).rejects.toBeInstanceOf(SignInThrottledError);
    // Another address is unaffected.
    const { options, challengeId } = await beginPasskeySignIn(t.db, request, rp);
    await expect(
      signInWithPasskey(t.db, { challengeId, response: authenticator.assert(options.challenge) }, request, rp),
    ).resolves.toMatchObject({ id: person.userId });
  });

  it("a throttled address's further attempts are audited once, not one entry each", async () => {
    const noisy = { ip: "198.51.100.99", userAgent: "vitest" };
    const before = await t.db.auditEntry.count();
    for (let i = 0; i < 100; i++)
      await expect(signInWithPasskey(t.db, {}, noisy, rp)).rejects.toBeInstanceOf(SignInThrottledError);
    expect((await t.db.auditEntry.count()) - before).toBeLessThanOrEqual(1);
  });

  it("kept the audit chain intact", async () => {
    expect((await verifyChain(t.db, chainIdFor(orgId))).valid).toBe(true);
  });
});
