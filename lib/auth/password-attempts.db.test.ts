import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { chainIdFor, PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { verifyChain } from "@/lib/audit/verify-chain";
import { ValidationError } from "@/lib/access/access-errors";
import { InvalidCredentialsError, SignInThrottledError } from "@/lib/auth/auth-errors";
import { acceptInvitation, createInvitation, describeInvitation } from "@/lib/auth/invitations";
import { authorize } from "@/lib/access/org-context";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { Role } from "@/lib/access/roles";
import { completeSetup, setupInputSchema } from "@/lib/auth/setup";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { ACCOUNT_POLICY } from "@/lib/auth/sign-in-throttle";
import { signetMetrics } from "@/lib/metrics/signet-metrics";

// Counts the argon2 verifications that really ran (the throttle must stop guesses before them).
vi.mock("@/lib/auth/password", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/auth/password")>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});
const verifications = vi.mocked(verifyPassword);

const PASSWORD = "correct horse battery staple";
let t: TestDatabase;
let owner: { userId: string; orgId: string };
let passwordHash: string;

beforeAll(async () => {
  t = await createTestDatabase();
  owner = await completeSetup(
    t.db,
    setupInputSchema.parse({ organisationName: "Acme", name: "Owner", email: "owner@example.com", password: PASSWORD }),
    { ip: "203.0.113.1" },
  );
  passwordHash = await hashPassword(PASSWORD);
});
afterAll(async () => t?.drop());
beforeEach(() => verifications.mockClear());

async function accountWithOrg(email: string): Promise<{ userId: string; orgId: string }> {
  const user = await t.db.user.create({ data: { email, name: email, passwordHash } });
  const org = await t.db.organization.create({ data: { name: `Org of ${email}` } });
  await t.db.membership.create({ data: { userId: user.id, orgId: org.id, roles: [Role.OWNER] } });
  return { userId: user.id, orgId: org.id };
}

async function invite(email: string): Promise<string> {
  const ctx = await authorize(t.db, owner.userId, owner.orgId, "members.invite");
  return (await createInvitation(t.db, ctx, { email, roles: [Role.SIGNER] }, 72, { ip: "203.0.113.1" })).token;
}

const failedEntries = (orgId: string | null, reason?: string) =>
  t.db.auditEntry.findMany({
    where: {
      chainId: orgId === null ? PLATFORM_CHAIN : chainIdFor(orgId),
      action: "auth.sign_in_failed",
      ...(reason ? { data: { path: ["reason"], equals: reason } } : {}),
    },
  });

describe("the attempt is counted before the password is checked", () => {
  it("of 40 concurrent wrong passwords for one account, at most the limit are verified", async () => {
    await accountWithOrg("race@example.com");
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        signInWithPassword(t.db, "race@example.com", `wrong guess ${i}`, { ip: `192.0.2.${i + 1}` }),
      ),
    );
    expect(verifications.mock.calls.length).toBeGreaterThan(0);
    expect(verifications.mock.calls.length).toBeLessThanOrEqual(ACCOUNT_POLICY.maxFailures);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      const reason = (r as PromiseRejectedResult).reason as unknown;
      expect(reason instanceof InvalidCredentialsError || reason instanceof SignInThrottledError).toBe(true);
    }
    // The account is locked now: the right password is refused without being checked.
    verifications.mockClear();
    await expect(signInWithPassword(t.db, "race@example.com", PASSWORD, { ip: "192.0.2.200" })).rejects.toBeInstanceOf(
      SignInThrottledError,
    );
    expect(verifications).not.toHaveBeenCalled();
  });

  it("a right password after a few wrong ones clears the account's count and gives the address its attempt back", async () => {
    await accountWithOrg("fine@example.com");
    const ip = "198.51.100.77";
    for (let i = 0; i < ACCOUNT_POLICY.maxFailures - 1; i++)
      await expect(signInWithPassword(t.db, "fine@example.com", "wrong wrong wrong", { ip })).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
    await expect(signInWithPassword(t.db, "fine@example.com", PASSWORD, { ip })).resolves.toMatchObject({
      email: "fine@example.com",
    });
    expect(await t.db.signInThrottle.findUnique({ where: { key: "account:fine@example.com" } })).toBeNull();
    for (let i = 0; i < 10; i++)
      await expect(signInWithPassword(t.db, "fine@example.com", PASSWORD, { ip })).resolves.toMatchObject({
        email: "fine@example.com",
      });
    const address = await t.db.signInThrottle.findUniqueOrThrow({ where: { key: `address:${ip}` } });
    expect(address.failures).toBe(ACCOUNT_POLICY.maxFailures - 1);
  });
});

describe("throttled attempts are audited in bounded numbers", () => {
  it("100 refused attempts write one entry, and one summary once the lock is over", async () => {
    const { orgId } = await accountWithOrg("locked@example.com");
    for (let i = 0; i < ACCOUNT_POLICY.maxFailures; i++)
      await signInWithPassword(t.db, "locked@example.com", "wrong wrong wrong", { ip: `192.0.2.${i + 50}` }).catch(
        () => undefined,
      );
    const before = await t.db.auditEntry.count();
    const throttled = async (limit: string) =>
      (await signetMetrics().signInThrottled.get()).values.find((v) => v.labels.limit === limit)?.value ?? 0;
    const [accountBefore, addressBefore] = [await throttled("account"), await throttled("address")];
    for (let i = 0; i < 100; i++)
      await expect(
        signInWithPassword(t.db, "locked@example.com", "wrong wrong wrong", { ip: "192.0.2.99" }),
      ).rejects.toBeInstanceOf(SignInThrottledError);
    // GET /metrics counts each refusal, under the limit that refused it.
    expect((await throttled("account")) - accountBefore).toBe(100);
    expect(await throttled("address")).toBe(addressBefore);
    const written = (await t.db.auditEntry.count()) - before;
    expect(written).toBeGreaterThanOrEqual(1);
    expect(written).toBeLessThanOrEqual(2);
    expect(await failedEntries(orgId, "throttled")).toHaveLength(1);

    // The lock lapses (simulated): the next attempt is let through and reports how many were refused, once.
    await t.db.$executeRawUnsafe(
      `UPDATE "SignInThrottle" SET "lockedUntil" = "lockedUntil" - interval '1 hour', "windowStartsAt" = "windowStartsAt" - interval '1 hour' WHERE key = $1`,
      "account:locked@example.com",
    );
    await expect(signInWithPassword(t.db, "locked@example.com", PASSWORD, { ip: "192.0.2.98" })).resolves.toMatchObject(
      { email: "locked@example.com" },
    );
    const summaries = await t.db.auditEntry.findMany({
      where: { chainId: chainIdFor(orgId), action: "auth.sign_in_throttled" },
    });
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.data).toMatchObject({ email: "locked@example.com", refused: 100 });
    await signInWithPassword(t.db, "locked@example.com", PASSWORD, { ip: "192.0.2.98" });
    expect(
      await t.db.auditEntry.count({ where: { chainId: chainIdFor(orgId), action: "auth.sign_in_throttled" } }),
    ).toBe(1);
  });
});

describe("accepting an invitation as an existing account is no password oracle", () => {
  it("wrong passwords count against the account's sign-in limit and are audited; the right one is refused while locked", async () => {
    const { orgId } = await accountWithOrg("victim@example.com");
    const token = await invite("victim@example.com");
    const errors: unknown[] = [];
    for (let i = 0; i < ACCOUNT_POLICY.maxFailures + 3; i++)
      errors.push(
        await acceptInvitation(t.db, { token, password: `guess number ${i} x` }, { ip: `198.51.100.${i + 1}` }).catch(
          (e: unknown) => e,
        ),
      );
    expect(errors.slice(0, ACCOUNT_POLICY.maxFailures - 1).every((e) => e instanceof InvalidCredentialsError)).toBe(
      true,
    );
    expect(errors.slice(ACCOUNT_POLICY.maxFailures - 1).every((e) => e instanceof SignInThrottledError)).toBe(true);
    expect(verifications.mock.calls.length).toBe(ACCOUNT_POLICY.maxFailures);
    expect(await failedEntries(orgId, "wrong_password")).toHaveLength(ACCOUNT_POLICY.maxFailures);

    await expect(
      acceptInvitation(t.db, { token, password: PASSWORD }, { ip: "198.51.100.200" }),
    ).rejects.toBeInstanceOf(SignInThrottledError);
    await expect(
      signInWithPassword(t.db, "victim@example.com", PASSWORD, { ip: "198.51.100.201" }),
    ).rejects.toBeInstanceOf(SignInThrottledError);
    expect(await t.db.membership.count({ where: { orgId: owner.orgId, user: { email: "victim@example.com" } } })).toBe(
      0,
    );
  });

  it("an account locked by sign-in failures cannot join with its right password", async () => {
    await accountWithOrg("locked-first@example.com");
    for (let i = 0; i < ACCOUNT_POLICY.maxFailures; i++)
      await signInWithPassword(t.db, "locked-first@example.com", "wrong wrong wrong", {
        ip: `203.0.113.${i + 10}`,
      }).catch(() => undefined);
    const token = await invite("locked-first@example.com");
    await expect(acceptInvitation(t.db, { token, password: PASSWORD }, { ip: "203.0.113.100" })).rejects.toBeInstanceOf(
      SignInThrottledError,
    );
    expect(
      await t.db.membership.count({ where: { orgId: owner.orgId, user: { email: "locked-first@example.com" } } }),
    ).toBe(0);
  });

  it("the page and the answers are alike for known and unknown accounts", async () => {
    await accountWithOrg("known@example.com");
    const known = await invite("known@example.com");
    const unknown = await invite("unknown@example.com");
    const knownView = await describeInvitation(t.db, known);
    const unknownView = await describeInvitation(t.db, unknown);
    expect(Object.keys(knownView).sort()).toEqual(Object.keys(unknownView).sort());
    expect({ ...knownView, email: "x" }).toEqual({ ...unknownView, email: "x" });

    const shortKnown = await acceptInvitation(t.db, { token: known, password: "short" }, { ip: "203.0.113.120" }).catch(
      (e: unknown) => e,
    );
    const shortUnknown = await acceptInvitation(
      t.db,
      { token: unknown, password: "short" },
      { ip: "203.0.113.120" },
    ).catch((e: unknown) => e);
    expect(shortKnown).toBeInstanceOf(ValidationError);
    expect(shortUnknown).toBeInstanceOf(ValidationError);
    expect((shortKnown as ValidationError).message).toBe((shortUnknown as ValidationError).message);
    expect((shortKnown as ValidationError).field).toBe((shortUnknown as ValidationError).field);

    // No name given: a newcomer is not told "enter your name" (that would single out unknown accounts).
    await expect(
      acceptInvitation(t.db, { token: unknown, password: "a long enough password" }, { ip: "203.0.113.120" }),
    ).resolves.toMatchObject({ email: "unknown@example.com" });
    await expect(
      acceptInvitation(t.db, { token: known, password: PASSWORD }, { ip: "203.0.113.120" }),
    ).resolves.toMatchObject({ email: "known@example.com" });
  });

  it("every chain written here verifies", async () => {
    const chains = (await t.db.auditHead.findMany()).map((h) => h.chainId);
    for (const chainId of chains) expect(await verifyChain(t.db, chainId)).toMatchObject({ valid: true });
  });
});
