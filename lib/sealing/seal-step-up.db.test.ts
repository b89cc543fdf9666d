import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { SoftwareAuthenticator } from "@/test/support/software-authenticator";
import { createOrganisation, createPerson, TEST_PASSWORD } from "@/test/support/signet-accounts";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { verifyChain } from "@/lib/audit/verify-chain";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { beginPasskeyRegistration, finishPasskeyRegistration } from "@/lib/auth/passkeys/passkey-registration";
import type { RelyingParty } from "@/lib/auth/passkeys/relying-party";
import { Role } from "@/lib/access/roles";
import { base32Decode } from "@/lib/auth/totp/base32";
import { totpKeyFromSecret } from "@/lib/auth/totp/secret-box";
import { hotp, totpAt, totpStep } from "@/lib/auth/totp/totp";
import { confirmTotpEnrolment, startTotpEnrolment } from "@/lib/auth/totp/totp-factor";
import { sealManifestHash, type SealManifest } from "@/lib/sealing/seal-manifest";
import { StepUpError } from "@/lib/auth/step-up/step-up-errors";
import type { StepUpOptions } from "@/lib/auth/step-up/step-up-factors";
import { consumeSealStepUp, issueSealStepUp, stepUpChallengeBytes } from "@/lib/sealing/seal-step-up";

const rp: RelyingParty = { id: "localhost", name: "Signet", origin: "http://localhost:3000" };
const options: StepUpOptions = { rp, totpKey: totpKeyFromSecret("auth secret of the step-up tests") };
const request = { ip: "192.0.2.30", userAgent: "vitest" };

let t: TestDatabase;
let orgA: string;
let orgB: string;
let orgNoTotp: string;
type Signer = { userId: string; authenticator: SoftwareAuthenticator | null; totpSecret: Uint8Array | null };
let alice: Signer; // signer in A (and in B, and in the passkey-only org), passkey and TOTP
let bob: Signer; // signer in A, passkey only
let carol: Signer; // signer in A, TOTP only

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

function manifestFor(
  userId: string,
  orgId: string,
  documents = ["drawing-1.pdf", "report-2.pdf"],
  certificateId = "11111111-2222-4333-8444-555555555555",
): SealManifest {
  return {
    orgId,
    userId,
    certificateId,
    reason: "Approved for construction",
    location: null,
    documents: documents.map((name, i) => ({
      documentId: uuidFrom(name),
      sha256: sha(name),
      placement: { page: 1, rect: { x: 40 + i, y: 40, width: 180, height: 80 } },
    })),
  };
}
function uuidFrom(seed: string): string {
  const h = sha(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function signer(
  memberships: { orgId: string; roles: Role[] }[],
  factors: { passkey: boolean; totp: boolean },
): Promise<Signer> {
  const { userId } = await createPerson(t.db, memberships);
  let authenticator: SoftwareAuthenticator | null = null;
  let totpSecret: Uint8Array | null = null;
  if (factors.passkey) {
    authenticator = new SoftwareAuthenticator();
    const start = await beginPasskeyRegistration(t.db, userId, TEST_PASSWORD, request, rp);
    await finishPasskeyRegistration(
      t.db,
      userId,
      { challengeId: start.challengeId, name: "Key", response: authenticator.register(start.options) },
      request,
      rp,
    );
  }
  if (factors.totp) {
    const enrolment = await startTotpEnrolment(t.db, options.totpKey!, userId, TEST_PASSWORD, request);
    totpSecret = base32Decode(enrolment.secret);
    await confirmTotpEnrolment(t.db, options.totpKey!, userId, totpAt(totpSecret, Date.now()), request);
  }
  return { userId, authenticator, totpSecret };
}

const ctx = (s: Signer, orgId = orgA): Promise<OrgContext> => authorize(t.db, s.userId, orgId, "documents.seal");

/** The code of the next step: enrolment used the current one, and a step is accepted once. */
const freshCode = (secret: Uint8Array) => hotp(secret, totpStep(Date.now()) + 1);

async function refusal(promise: Promise<unknown>): Promise<StepUpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepUpError);
  return error as StepUpError;
}

async function lastRefusalAudit(orgId = orgA) {
  return t.db.auditEntry.findFirstOrThrow({
    where: { chainId: chainIdFor(orgId), action: "seal.refused" },
    orderBy: { seq: "desc" },
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  ({ orgId: orgA } = await createOrganisation(t.db, "Org A"));
  ({ orgId: orgB } = await createOrganisation(t.db, "Org B"));
  ({ orgId: orgNoTotp } = await createOrganisation(t.db, "Passkeys only", { allowTotpStepUp: false }));
  alice = await signer(
    [
      { orgId: orgA, roles: [Role.SIGNER] },
      { orgId: orgB, roles: [Role.SIGNER] },
      { orgId: orgNoTotp, roles: [Role.SIGNER] },
    ],
    { passkey: true, totp: true },
  );
  bob = await signer([{ orgId: orgA, roles: [Role.SIGNER] }], { passkey: true, totp: false });
  carol = await signer(
    [
      { orgId: orgA, roles: [Role.SIGNER] },
      { orgId: orgNoTotp, roles: [Role.SIGNER] },
    ],
    { passkey: false, totp: true },
  );
});
afterAll(async () => t?.drop());

describe("issueSealStepUp", () => {
  it("derives the challenge from the manifest, stores it bound to user, organisation and manifest, and audits the hashes", async () => {
    const manifest = manifestFor(alice.userId, orgA);
    const issued = await issueSealStepUp(t.db, await ctx(alice), manifest, request, options);
    expect(issued.totpAllowed).toBe(true);
    expect(issued.webauthn).not.toBeNull();
    expect(issued.webauthn!.userVerification).toBe("required");
    expect(issued.webauthn!.allowCredentials).toEqual([
      { id: alice.authenticator!.id, transports: ["internal"], type: "public-key" },
    ]);

    const stored = await t.db.authChallenge.findUniqueOrThrow({ where: { id: issued.challengeId } });
    expect(stored).toMatchObject({
      purpose: "seal.step_up",
      userId: alice.userId,
      orgId: orgA,
      manifestHash: sealManifestHash(manifest),
      challenge: issued.webauthn!.challenge,
      consumedAt: null,
    });
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(5 * 60 * 1000);

    const audit = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(orgA), action: "step_up.issued", subjectId: issued.challengeId },
    });
    const data = audit.data as {
      nonce: string;
      manifestHash: string;
      certificateId: string;
      documents: { sha256: string }[];
    };
    expect(data.certificateId).toBe(manifest.certificateId);
    expect(data.documents.map((d) => d.sha256)).toEqual(manifest.documents.map((d) => d.sha256));
    // Anyone holding the audit entry can re-derive the challenge: it is bound to this manifest.
    expect(
      Buffer.from(stepUpChallengeBytes(Buffer.from(data.nonce, "hex"), data.manifestHash)).toString("base64url"),
    ).toBe(stored.challenge);
  });

  it("gives a fresh challenge each time, even for the same manifest", async () => {
    const manifest = manifestFor(alice.userId, orgA);
    const one = await issueSealStepUp(t.db, await ctx(alice), manifest, request, options);
    const two = await issueSealStepUp(t.db, await ctx(alice), manifest, request, options);
    expect(one.webauthn!.challenge).not.toBe(two.webauthn!.challenge);
  });

  it("offers no WebAuthn without a passkey, and no TOTP where the organisation forbids it or none is set up", async () => {
    const forCarol = await issueSealStepUp(t.db, await ctx(carol), manifestFor(carol.userId, orgA), request, options);
    expect(forCarol).toMatchObject({ webauthn: null, totpAllowed: true });
    const forBob = await issueSealStepUp(t.db, await ctx(bob), manifestFor(bob.userId, orgA), request, options);
    expect(forBob.totpAllowed).toBe(false);
    const aliceNoTotp = await issueSealStepUp(
      t.db,
      await ctx(alice, orgNoTotp),
      manifestFor(alice.userId, orgNoTotp),
      request,
      options,
    );
    expect(aliceNoTotp.totpAllowed).toBe(false);
    expect(
      await refusal(
        issueSealStepUp(t.db, await ctx(carol, orgNoTotp), manifestFor(carol.userId, orgNoTotp), request, options),
      ),
    ).toMatchObject({ code: "step_up.no_method" });
  });

  it("refuses a manifest of another user or organisation than the caller's", async () => {
    expect(
      await refusal(issueSealStepUp(t.db, await ctx(alice), manifestFor(bob.userId, orgA), request, options)),
    ).toMatchObject({ code: "step_up.wrong_user" });
    expect(
      await refusal(issueSealStepUp(t.db, await ctx(alice), manifestFor(alice.userId, orgB), request, options)),
    ).toMatchObject({ code: "step_up.wrong_user" });
  });

  it("refuses a caller who lost the signer role", async () => {
    const dave = await signer([{ orgId: orgA, roles: [Role.SIGNER] }], { passkey: true, totp: false });
    const daveCtx = await ctx(dave);
    await t.db.membership.update({
      where: { userId_orgId: { userId: dave.userId, orgId: orgA } },
      data: { roles: [Role.AUDITOR] },
    });
    expect(
      await refusal(issueSealStepUp(t.db, daveCtx, manifestFor(dave.userId, orgA), request, options)),
    ).toMatchObject({ code: "step_up.forbidden" });
  });
});

describe("consumeSealStepUp with a passkey", () => {
  async function issueAndAssert(
    s: Signer,
    manifest = manifestFor(s.userId, orgA),
    assertOptions: Parameters<SoftwareAuthenticator["assert"]>[1] = {},
  ) {
    const issued = await issueSealStepUp(t.db, await ctx(s, manifest.orgId), manifest, request, options);
    const assertion = s.authenticator!.assert(issued.webauthn!.challenge, assertOptions);
    return { issued, manifest, assertion };
  }
  const consume = async (
    s: Signer,
    challengeId: string,
    manifest: SealManifest,
    assertion: AuthenticationResponseJSON,
    orgId = orgA,
  ) =>
    consumeSealStepUp(
      t.db,
      await ctx(s, orgId),
      { challengeId, manifest, response: { kind: "webauthn", assertion } },
      request,
      options,
    );

  it("accepts a verified assertion once, consumes the challenge, moves the counter", async () => {
    const { issued, manifest, assertion } = await issueAndAssert(alice);
    // Documents given in another order are the same manifest.
    const reordered = { ...manifest, documents: [...manifest.documents].reverse() };
    await expect(consume(alice, issued.challengeId, reordered, assertion)).resolves.toEqual({
      method: "webauthn",
      credentialId: alice.authenticator!.id,
    });
    expect(
      (await t.db.authChallenge.findUniqueOrThrow({ where: { id: issued.challengeId } })).consumedAt,
    ).not.toBeNull();
    expect((await t.db.passkey.findUniqueOrThrow({ where: { id: alice.authenticator!.id } })).counter).toBe(
      alice.authenticator!.counter,
    );
  });

  it("refuses a replayed (used) assertion, and audits the refusal with method, credential, reason and hashes", async () => {
    const { issued, manifest, assertion } = await issueAndAssert(alice);
    await consume(alice, issued.challengeId, manifest, assertion);
    expect(await refusal(consume(alice, issued.challengeId, manifest, assertion))).toMatchObject({
      code: "step_up.used",
    });
    const audit = await lastRefusalAudit();
    expect(audit.actorId).toBe(alice.userId);
    expect(audit.data).toMatchObject({
      reason: "step_up.used",
      method: "webauthn",
      credentialId: alice.authenticator!.id,
      challengeId: issued.challengeId,
      certificateId: manifest.certificateId,
      documents: manifest.documents.map((d) => ({ documentId: d.documentId, sha256: d.sha256 })),
    });
  });

  it("of two concurrent uses of one assertion, exactly one succeeds", async () => {
    const { issued, manifest, assertion } = await issueAndAssert(alice);
    const results = await Promise.allSettled([
      consume(alice, issued.challengeId, manifest, assertion),
      consume(alice, issued.challengeId, manifest, assertion),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected?.reason).toBeInstanceOf(StepUpError);
  });

  it("refuses an assertion made for another document set", async () => {
    const forA = await issueAndAssert(alice, manifestFor(alice.userId, orgA, ["a.pdf"]));
    const issuedB = await issueSealStepUp(
      t.db,
      await ctx(alice),
      manifestFor(alice.userId, orgA, ["b.pdf"]),
      request,
      options,
    );
    // The assertion for A presented with B's challenge and manifest: its signed challenge is A's.
    expect(
      await refusal(consume(alice, issuedB.challengeId, manifestFor(alice.userId, orgA, ["b.pdf"]), forA.assertion)),
    ).toMatchObject({ code: "step_up.bad_assertion" });
    // A's challenge with another manifest (one more document, another certificate, a moved stamp).
    expect(
      await refusal(
        consume(
          alice,
          forA.issued.challengeId,
          manifestFor(alice.userId, orgA, ["a.pdf", "extra.pdf"]),
          forA.assertion,
        ),
      ),
    ).toMatchObject({ code: "step_up.mismatch" });
    expect(
      await refusal(
        consume(
          alice,
          forA.issued.challengeId,
          manifestFor(alice.userId, orgA, ["a.pdf"], randomUUID()),
          forA.assertion,
        ),
      ),
    ).toMatchObject({ code: "step_up.mismatch" });
    const moved = manifestFor(alice.userId, orgA, ["a.pdf"]);
    moved.documents[0]!.placement = { page: 2, rect: { x: 40, y: 40, width: 180, height: 80 } };
    const mismatch = await refusal(consume(alice, forA.issued.challengeId, moved, forA.assertion));
    expect(mismatch.code).toBe("step_up.mismatch");
    expect(mismatch.message).toMatch(/not the ones you confirmed/);
    // Still usable with what was confirmed: refusals did not consume it.
    await expect(consume(alice, forA.issued.challengeId, forA.manifest, forA.assertion)).resolves.toMatchObject({
      method: "webauthn",
    });
  });

  it("refuses an expired challenge", async () => {
    const { issued, manifest, assertion } = await issueAndAssert(alice);
    await t.db.authChallenge.update({
      where: { id: issued.challengeId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await refusal(consume(alice, issued.challengeId, manifest, assertion))).toMatchObject({
      code: "step_up.expired",
    });
    expect((await t.db.authChallenge.findUniqueOrThrow({ where: { id: issued.challengeId } })).consumedAt).toBeNull();
  });

  it("refuses UV=false (user present but not verified)", async () => {
    const { issued, manifest, assertion } = await issueAndAssert(alice, undefined, { uv: false });
    expect(await refusal(consume(alice, issued.challengeId, manifest, assertion))).toMatchObject({
      code: "step_up.uv_required",
    });
    expect((await lastRefusalAudit()).data).toMatchObject({
      reason: "step_up.uv_required",
      credentialId: alice.authenticator!.id,
    });
  });

  it("refuses another user's challenge, even with that user's valid assertion", async () => {
    const { issued, manifest, assertion } = await issueAndAssert(bob);
    // Alice presents Bob's challenge with her own manifest…
    expect(
      await refusal(
        consume(
          alice,
          issued.challengeId,
          manifestFor(alice.userId, orgA),
          alice.authenticator!.assert(issued.webauthn!.challenge),
        ),
      ),
    ).toMatchObject({ code: "step_up.wrong_user" });
    // …or Bob's manifest and assertion.
    expect(await refusal(consume(alice, issued.challengeId, manifest, assertion))).toMatchObject({
      code: "step_up.wrong_user",
    });
    // Bob can still use it.
    await expect(consume(bob, issued.challengeId, manifest, assertion)).resolves.toMatchObject({
      credentialId: bob.authenticator!.id,
    });
  });

  it("refuses a challenge of another organisation (the caller's context is of org B)", async () => {
    const { issued, manifest, assertion } = await issueAndAssert(alice);
    expect(await refusal(consume(alice, issued.challengeId, manifest, assertion, orgB))).toMatchObject({
      code: "step_up.wrong_user",
    });
    const inB = manifestFor(alice.userId, orgB);
    expect(await refusal(consume(alice, issued.challengeId, inB, assertion, orgB))).toMatchObject({
      code: "step_up.wrong_user",
    });
    // Audited in the caller's organisation.
    expect((await lastRefusalAudit(orgB)).data).toMatchObject({ reason: "step_up.wrong_user" });
  });

  it("refuses another person's passkey, a foreign origin and a counter that goes backwards", async () => {
    const forAlice = await issueSealStepUp(t.db, await ctx(alice), manifestFor(alice.userId, orgA), request, options);
    const manifest = manifestFor(alice.userId, orgA);
    expect(
      await refusal(
        consume(alice, forAlice.challengeId, manifest, bob.authenticator!.assert(forAlice.webauthn!.challenge)),
      ),
    ).toMatchObject({ code: "step_up.bad_assertion" });
    expect(
      await refusal(
        consume(
          alice,
          forAlice.challengeId,
          manifest,
          alice.authenticator!.assert(forAlice.webauthn!.challenge, { origin: "https://evil.example" }),
        ),
      ),
    ).toMatchObject({ code: "step_up.bad_assertion" });
    expect(
      await refusal(
        consume(
          alice,
          forAlice.challengeId,
          manifest,
          alice.authenticator!.assert(forAlice.webauthn!.challenge, { counter: 1 }),
        ),
      ),
    ).toMatchObject({ code: "step_up.bad_assertion" });
    expect(
      await refusal(
        consume(alice, forAlice.challengeId, manifest, {
          ...alice.authenticator!.assert(forAlice.webauthn!.challenge),
          id: "%%%",
        }),
      ),
    ).toMatchObject({ code: "step_up.bad_assertion" });
  });

  it("refuses a caller who lost the signer role after the step-up was issued", async () => {
    const erin = await signer([{ orgId: orgA, roles: [Role.SIGNER] }], { passkey: true, totp: false });
    const erinCtx = await ctx(erin);
    const { issued, manifest, assertion } = await issueAndAssert(erin);
    await t.db.membership.update({
      where: { userId_orgId: { userId: erin.userId, orgId: orgA } },
      data: { roles: [] },
    });
    expect(
      await refusal(
        consumeSealStepUp(
          t.db,
          erinCtx,
          { challengeId: issued.challengeId, manifest, response: { kind: "webauthn", assertion } },
          request,
          options,
        ),
      ),
    ).toMatchObject({ code: "step_up.forbidden" });
  });
});

describe("consumeSealStepUp with a TOTP code", () => {
  const consumeTotp = async (s: Signer, challengeId: string, manifest: SealManifest, code: string, orgId = orgA) =>
    consumeSealStepUp(
      t.db,
      await ctx(s, orgId),
      { challengeId, manifest, response: { kind: "totp", code } },
      request,
      options,
    );

  it("accepts a current code where allowed, once", async () => {
    const manifest = manifestFor(carol.userId, orgA);
    const issued = await issueSealStepUp(t.db, await ctx(carol), manifest, request, options);
    const code = freshCode(carol.totpSecret!);
    await expect(consumeTotp(carol, issued.challengeId, manifest, code)).resolves.toEqual({
      method: "totp",
      credentialId: null,
    });
    expect(await refusal(consumeTotp(carol, issued.challengeId, manifest, code))).toMatchObject({
      code: "step_up.used",
    });
    // The same code on a new challenge: the step was used.
    const again = await issueSealStepUp(t.db, await ctx(carol), manifest, request, options);
    expect(await refusal(consumeTotp(carol, again.challengeId, manifest, code))).toMatchObject({
      code: "step_up.bad_code",
    });
  });

  it("refuses a bad code, and audits it as a TOTP refusal", async () => {
    const manifest = manifestFor(alice.userId, orgA);
    const issued = await issueSealStepUp(t.db, await ctx(alice), manifest, request, options);
    const good = totpAt(alice.totpSecret!, Date.now());
    const bad = good === "123456" ? "654321" : "123456";
    expect(await refusal(consumeTotp(alice, issued.challengeId, manifest, bad))).toMatchObject({
      code: "step_up.bad_code",
    });
    expect((await lastRefusalAudit()).data).toMatchObject({
      reason: "step_up.bad_code",
      method: "totp",
      credentialId: null,
    });
    expect(await refusal(consumeTotp(alice, issued.challengeId, manifest, "not a code"))).toMatchObject({
      code: "step_up.bad_code",
    });
  });

  it("refuses TOTP where the organisation does not allow it, and for a person without TOTP", async () => {
    const manifest = manifestFor(alice.userId, orgNoTotp);
    const issued = await issueSealStepUp(t.db, await ctx(alice, orgNoTotp), manifest, request, options);
    expect(
      await refusal(consumeTotp(alice, issued.challengeId, manifest, freshCode(alice.totpSecret!), orgNoTotp)),
    ).toMatchObject({ code: "step_up.totp_not_allowed" });
    const bobs = manifestFor(bob.userId, orgA);
    const forBob = await issueSealStepUp(t.db, await ctx(bob), bobs, request, options);
    expect(await refusal(consumeTotp(bob, forBob.challengeId, bobs, "123456"))).toMatchObject({
      code: "step_up.totp_not_allowed",
    });
  });

  it("refuses a TOTP code for another manifest, another user's challenge and an expired challenge", async () => {
    const manifest = manifestFor(carol.userId, orgA);
    const issued = await issueSealStepUp(t.db, await ctx(carol), manifest, request, options);
    expect(
      await refusal(
        consumeTotp(
          carol,
          issued.challengeId,
          manifestFor(carol.userId, orgA, ["other.pdf"]),
          freshCode(carol.totpSecret!),
        ),
      ),
    ).toMatchObject({ code: "step_up.mismatch" });
    expect(
      await refusal(
        consumeTotp(alice, issued.challengeId, manifestFor(alice.userId, orgA), freshCode(alice.totpSecret!)),
      ),
    ).toMatchObject({ code: "step_up.wrong_user" });
    await t.db.authChallenge.update({
      where: { id: issued.challengeId },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await refusal(consumeTotp(carol, issued.challengeId, manifest, freshCode(carol.totpSecret!)))).toMatchObject(
      { code: "step_up.expired" },
    );
  });
});

describe("the record", () => {
  it("every refusal above is in the audit chains, which verify", async () => {
    const refusals = await t.db.auditEntry.findMany({ where: { action: "seal.refused" } });
    const reasons = new Set(refusals.map((r) => (r.data as { reason: string }).reason));
    for (const code of [
      "step_up.used",
      "step_up.mismatch",
      "step_up.expired",
      "step_up.uv_required",
      "step_up.wrong_user",
      "step_up.bad_assertion",
      "step_up.bad_code",
      "step_up.totp_not_allowed",
      "step_up.forbidden",
      "step_up.no_method",
    ]) {
      expect(reasons).toContain(code);
    }
    for (const orgId of [orgA, orgB, orgNoTotp]) expect((await verifyChain(t.db, chainIdFor(orgId))).valid).toBe(true);
  });
});
