import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson, TEST_PASSWORD } from "@/test/support/signet-accounts";
import { Role } from "@/lib/access/roles";
import { ACCOUNT_POLICY } from "@/lib/auth/sign-in-throttle";
import { base32Decode } from "@/lib/auth/totp/base32";
import { totpKeyFromSecret } from "@/lib/auth/totp/secret-box";
import { hotp, matchTotp, totpAt, totpStep } from "@/lib/auth/totp/totp";
import { checkTotpCode, confirmTotpEnrolment, startTotpEnrolment } from "@/lib/auth/totp/totp-factor";

// Counts the code comparisons that really ran: the throttle must stop guesses before them.
vi.mock("@/lib/auth/totp/totp", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/auth/totp/totp")>();
  return { ...actual, matchTotp: vi.fn(actual.matchTotp) };
});
const comparisons = vi.mocked(matchTotp);

const key = totpKeyFromSecret("auth secret of the TOTP throttle test");
const request = { ip: "192.0.2.21", userAgent: "vitest" };
let t: TestDatabase;
let orgId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ orgId } = await createOrganisation(t.db));
});
afterAll(async () => t?.drop());

describe("TOTP codes are counted before they are compared", () => {
  it("of 40 concurrent wrong codes, at most the limit are compared; then even the right code is refused", async () => {
    const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    const enrolment = await startTotpEnrolment(t.db, key, userId, TEST_PASSWORD, request);
    const secret = base32Decode(enrolment.secret);
    await confirmTotpEnrolment(t.db, key, userId, totpAt(secret, Date.now()), request);
    const right = hotp(secret, totpStep(Date.now()) + 1);
    const wrong = right === "000000" ? "111111" : "000000";

    comparisons.mockClear();
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => checkTotpCode(t.db, key, userId, wrong)));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(comparisons.mock.calls.length).toBeGreaterThan(0);
    expect(comparisons.mock.calls.length).toBeLessThanOrEqual(ACCOUNT_POLICY.maxFailures);
    await expect(checkTotpCode(t.db, key, userId, right)).rejects.toMatchObject({ code: "totp.throttled" });
  });

  it("right codes do not use up the allowance", async () => {
    const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    const enrolment = await startTotpEnrolment(t.db, key, userId, TEST_PASSWORD, request);
    const secret = base32Decode(enrolment.secret);
    await confirmTotpEnrolment(t.db, key, userId, totpAt(secret, Date.now()), request);
    const right = hotp(secret, totpStep(Date.now()) + 1);
    // checkTotpCode does not use the step up: the same right code passes again and again.
    for (let i = 0; i < ACCOUNT_POLICY.maxFailures * 2; i++)
      await expect(checkTotpCode(t.db, key, userId, right)).resolves.toMatchObject({ step: expect.any(Number) });
  });
});
