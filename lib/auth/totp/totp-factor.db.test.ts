import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson, TEST_PASSWORD } from "@/test/support/signet-accounts";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { ValidationError } from "@/lib/access/access-errors";
import { Role } from "@/lib/access/roles";
import { base32Decode } from "@/lib/auth/totp/base32";
import { hashRecoveryCode } from "@/lib/auth/totp/recovery-codes";
import { totpKeyFromSecret } from "@/lib/auth/totp/secret-box";
import { hotp, totpAt, totpStep } from "@/lib/auth/totp/totp";
import { TotpError } from "@/lib/auth/totp/totp-errors";
import {
  checkTotpCode,
  claimTotpStep,
  confirmTotpEnrolment,
  disableTotp,
  regenerateRecoveryCodes,
  startTotpEnrolment,
  totpStatus,
} from "@/lib/auth/totp/totp-factor";

const key = totpKeyFromSecret("auth secret of the TOTP tests");
const request = { ip: "192.0.2.20", userAgent: "vitest" };
let t: TestDatabase;
let orgId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ orgId } = await createOrganisation(t.db));
});
afterAll(async () => t?.drop());

async function enrolled(): Promise<{ userId: string; secret: Uint8Array; recoveryCodes: string[] }> {
  const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
  const enrolment = await startTotpEnrolment(t.db, key, userId, TEST_PASSWORD, request);
  const secret = base32Decode(enrolment.secret);
  const { recoveryCodes } = await confirmTotpEnrolment(t.db, key, userId, totpAt(secret, Date.now()), request);
  return { userId, secret, recoveryCodes };
}

/** A code of the next step: the current one was used to confirm. */
const nextCode = (secret: Uint8Array) => hotp(secret, totpStep(Date.now()) + 1);

describe("TOTP enrolment", () => {
  it("needs the password, then gives a secret as text, an otpauth URI and a QR code, stored encrypted and unconfirmed", async () => {
    const { userId, email } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    await expect(startTotpEnrolment(t.db, key, userId, "wrong password!", request)).rejects.toBeInstanceOf(
      ValidationError,
    );
    const enrolment = await startTotpEnrolment(t.db, key, userId, TEST_PASSWORD, request);
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.otpauthUri).toBe(
      `otpauth://totp/Signet:${encodeURIComponent(email)}?secret=${enrolment.secret}&issuer=Signet&algorithm=SHA1&digits=6&period=30`,
    );
    expect(enrolment.qr.size).toBeGreaterThan(21);
    expect(enrolment.qr.path).toMatch(/^M\d+ \d+h1v1h-1z/);
    const row = await t.db.totpFactor.findUniqueOrThrow({ where: { userId } });
    expect(row.confirmedAt).toBeNull();
    expect(Buffer.from(row.secretEncrypted).includes(Buffer.from(base32Decode(enrolment.secret)))).toBe(false);
    expect((await totpStatus(t.db, userId)).enabled).toBe(false);
  });

  it("is confirmed only by a valid code, then yields ten single-use recovery codes stored as hashes, audited", async () => {
    const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    const enrolment = await startTotpEnrolment(t.db, key, userId, TEST_PASSWORD, request);
    const secret = base32Decode(enrolment.secret);
    await expect(
      confirmTotpEnrolment(t.db, key, userId, "000000" === totpAt(secret, Date.now()) ? "111111" : "000000", request),
    ).rejects.toMatchObject({ code: "totp.bad_code" });
    expect((await totpStatus(t.db, userId)).enabled).toBe(false);

    const { recoveryCodes } = await confirmTotpEnrolment(t.db, key, userId, totpAt(secret, Date.now()), request);
    expect(recoveryCodes).toHaveLength(10);
    const status = await totpStatus(t.db, userId);
    expect(status).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const stored = await t.db.recoveryCode.findMany({ where: { userId } });
    expect(stored.map((r) => r.codeHash).sort()).toEqual(recoveryCodes.map((c) => hashRecoveryCode(userId, c)).sort());
    for (const code of recoveryCodes) expect(JSON.stringify(stored)).not.toContain(code);

    const actions = (await t.db.auditEntry.findMany({ where: { chainId: chainIdFor(orgId), subjectId: userId } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(["totp.enabled", "recovery_codes.generated"]));
    await expect(startTotpEnrolment(t.db, key, userId, TEST_PASSWORD, request)).rejects.toMatchObject({
      code: "totp.already_enabled",
    });
  });
});

describe("TOTP codes", () => {
  it("accept the next step once and never the same step again", async () => {
    const { userId, secret } = await enrolled();
    const code = nextCode(secret);
    const { step } = await checkTotpCode(t.db, key, userId, code);
    expect(await claimTotpStep(t.db, userId, step)).toBe(true);
    expect(await claimTotpStep(t.db, userId, step)).toBe(false);
    await expect(checkTotpCode(t.db, key, userId, code)).rejects.toMatchObject({ code: "totp.bad_code" });
  });

  it("lock after five wrong codes in a row", async () => {
    const { userId, secret } = await enrolled();
    const wrong = String((Number(nextCode(secret)) + 500_000) % 1_000_000).padStart(6, "0");
    const errors: unknown[] = [];
    for (let i = 0; i < 5; i++) errors.push(await checkTotpCode(t.db, key, userId, wrong).catch((e: unknown) => e));
    expect(errors.slice(0, 4).every((e) => e instanceof TotpError && e.code === "totp.bad_code")).toBe(true);
    expect(errors[4]).toMatchObject({ code: "totp.throttled" });
    await expect(checkTotpCode(t.db, key, userId, nextCode(secret))).rejects.toMatchObject({ code: "totp.throttled" });
  });

  it("cannot be read once AUTH_SECRET changed", async () => {
    const { userId, secret } = await enrolled();
    await expect(
      checkTotpCode(t.db, totpKeyFromSecret("a different secret"), userId, nextCode(secret)),
    ).rejects.toMatchObject({ code: "totp.unreadable" });
  });
});

describe("turning TOTP off and recovery codes", () => {
  it("needs a current code or a recovery code; each recovery code works once", async () => {
    const { userId, secret, recoveryCodes } = await enrolled();
    await expect(disableTotp(t.db, key, userId, "12345", request)).rejects.toMatchObject({ code: "totp.bad_code" });
    const regenerated = await regenerateRecoveryCodes(t.db, key, userId, nextCode(secret), request);
    expect(regenerated.recoveryCodes).toHaveLength(10);
    // The old codes stopped working.
    await expect(disableTotp(t.db, key, userId, recoveryCodes[0]!, request)).rejects.toMatchObject({
      code: "totp.bad_code",
    });
    await disableTotp(t.db, key, userId, regenerated.recoveryCodes[3]!.toUpperCase(), request);
    expect(await totpStatus(t.db, userId)).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect(await t.db.recoveryCode.count({ where: { userId } })).toBe(0);
    const entry = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(orgId), action: "totp.disabled", subjectId: userId },
    });
    expect(entry.data).toMatchObject({ authorisedWith: "recovery_code" });
  });

  it("with a current code", async () => {
    const { userId, secret } = await enrolled();
    await disableTotp(t.db, key, userId, nextCode(secret), request);
    expect((await totpStatus(t.db, userId)).enabled).toBe(false);
    await expect(disableTotp(t.db, key, userId, nextCode(secret), request)).rejects.toMatchObject({
      code: "totp.not_enabled",
    });
  });
});
