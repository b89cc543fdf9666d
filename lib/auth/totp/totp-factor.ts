import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { RequestMeta } from "@/lib/audit/append-audit";
import type { Db, Tx } from "@/lib/db/client";
import { appendAccountAudit } from "@/lib/auth/passkeys/account-audit";
import {
  ACCOUNT_POLICY,
  claimAttempt,
  lockExhaustedKeys,
  settleSuccessfulAttempt,
  type AttemptClaim,
  type ThrottleKey,
} from "@/lib/auth/sign-in-throttle";
import { confirmPassword } from "@/lib/auth/step-up/confirm-password";
import { base32Encode } from "@/lib/auth/totp/base32";
import { qrCode, type QrCode } from "@/lib/auth/totp/qr-code";
import { generateRecoveryCodes, hashRecoveryCode, looksLikeRecoveryCode } from "@/lib/auth/totp/recovery-codes";
import { openTotpSecret, sealTotpSecret, type TotpKey } from "@/lib/auth/totp/secret-box";
import { matchTotp, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from "@/lib/auth/totp/totp";
import { TotpError } from "@/lib/auth/totp/totp-errors";

export const TOTP_ISSUER = "Signet";
const SECRET_BYTES = 20;

export const totpCodeSchema = z.string().trim().min(1, "Enter the code.").max(40, "That code is too long.");

export type TotpStatus = { enabled: boolean; confirmedAt: Date | null; recoveryCodesLeft: number };
export type TotpEnrolment = { secret: string; otpauthUri: string; qr: QrCode };

/** Wrong codes count per person, across instances (the sign-in throttle's table and account policy). */
function totpThrottle(userId: string): ThrottleKey[] {
  return [{ key: `totp:${userId}`, policy: ACCOUNT_POLICY }];
}

/** Counts a code attempt before the code is compared (concurrent guesses each see their own number). */
async function claimTotpAttempt(db: Db | Tx, userId: string): Promise<AttemptClaim> {
  const claim = await claimAttempt(db, totpThrottle(userId));
  if (claim.refused) throw new TotpError("totp.throttled");
  return claim;
}

async function recordWrongCode(db: Db, claim: AttemptClaim): Promise<never> {
  const locked = await db.$transaction((tx) => lockExhaustedKeys(tx, claim));
  throw new TotpError(locked ? "totp.throttled" : "totp.bad_code");
}

/** A right code gives its attempt back: only wrong codes should use up the allowance. */
async function recordRightCode(db: Db, claim: AttemptClaim): Promise<void> {
  await db.$transaction((tx) => settleSuccessfulAttempt(tx, claim));
}

export async function totpStatus(db: Db | Tx, userId: string): Promise<TotpStatus> {
  const factor = await db.totpFactor.findUnique({ where: { userId }, select: { confirmedAt: true } });
  const confirmedAt = factor?.confirmedAt ?? null;
  const recoveryCodesLeft = confirmedAt === null ? 0 : await db.recoveryCode.count({ where: { userId, usedAt: null } });
  return { enabled: confirmedAt !== null, confirmedAt, recoveryCodesLeft };
}

export function otpauthUri(accountName: string, secretBase32: string): string {
  const label = `${encodeURIComponent(TOTP_ISSUER)}:${encodeURIComponent(accountName)}`;
  const query = new URLSearchParams({
    secret: secretBase32,
    issuer: TOTP_ISSUER,
    algorithm: "SHA1",
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}

/**
 * Step 1 of enrolment, after the password is confirmed again: a new secret, generated here,
 * stored encrypted and unconfirmed (replacing an earlier unconfirmed one). The secret is
 * returned once, for the QR code and the text fallback; it is not active until confirmed.
 */
export async function startTotpEnrolment(
  db: Db,
  key: TotpKey,
  userId: string,
  password: string,
  request: RequestMeta,
): Promise<TotpEnrolment> {
  await confirmPassword(db, userId, password, request);
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  const existing = await db.totpFactor.findUnique({ where: { userId }, select: { confirmedAt: true } });
  if (existing?.confirmedAt != null) throw new TotpError("totp.already_enabled");
  const secret = randomBytes(SECRET_BYTES);
  try {
    const secretEncrypted = sealTotpSecret(key, userId, secret);
    await db.totpFactor.upsert({
      where: { userId },
      create: { userId, secretEncrypted, confirmedAt: null, lastUsedStep: null },
      update: { secretEncrypted, confirmedAt: null, lastUsedStep: null, createdAt: new Date() },
    });
    const text = base32Encode(secret);
    const uri = otpauthUri(user.email, text);
    return { secret: text, otpauthUri: uri, qr: qrCode(uri) };
  } finally {
    secret.fill(0);
  }
}

/**
 * Step 2: the person proves their app holds the secret by entering a current code. Only then
 * is the factor active; ten recovery codes are generated and returned (the only time they are
 * ever seen in clear). Factor, codes and audit entries are written in one transaction.
 */
export async function confirmTotpEnrolment(
  db: Db,
  key: TotpKey,
  userId: string,
  code: string,
  request: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  const input = totpCodeSchema.parse(code);
  const factor = await db.totpFactor.findUnique({ where: { userId } });
  if (factor === null) throw new TotpError("totp.no_enrolment");
  if (factor.confirmedAt !== null) throw new TotpError("totp.already_enabled");
  const claim = await claimTotpAttempt(db, userId);
  const secret = openTotpSecret(key, userId, factor.secretEncrypted);
  let step: number | null;
  try {
    step = matchTotp(secret, input, Date.now(), null);
  } finally {
    secret.fill(0);
  }
  if (step === null) return recordWrongCode(db, claim);
  await recordRightCode(db, claim);
  const matchedStep = step;

  const recoveryCodes = generateRecoveryCodes();
  await db.$transaction(async (tx) => {
    const confirmed = await tx.totpFactor.updateMany({
      where: { userId, confirmedAt: null, secretEncrypted: { equals: factor.secretEncrypted } },
      data: { confirmedAt: new Date(), lastUsedStep: matchedStep },
    });
    if (confirmed.count !== 1) throw new TotpError("totp.no_enrolment");
    await replaceRecoveryCodes(tx, userId, recoveryCodes);
    await appendAccountAudit(tx, {
      userId,
      action: "totp.enabled",
      subjectType: "user",
      subjectId: userId,
      data: {},
      request,
    });
    await appendAccountAudit(tx, {
      userId,
      action: "recovery_codes.generated",
      subjectType: "user",
      subjectId: userId,
      data: { count: recoveryCodes.length },
      request,
    });
  });
  return { recoveryCodes };
}

async function replaceRecoveryCodes(tx: Tx, userId: string, codes: string[]): Promise<void> {
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({
    data: codes.map((code) => {
      const codeHash = hashRecoveryCode(userId, code);
      if (codeHash === null) throw new Error("a generated recovery code did not normalise");
      return { userId, codeHash };
    }),
  });
}

/**
 * Checks a current TOTP code of a person whose factor is confirmed, without using it up:
 * returns the matched step, to be claimed with claimTotpStep in the transaction that acts on
 * it. Wrong codes are counted (five in fifteen minutes lock the factor for fifteen minutes).
 */
export async function checkTotpCode(db: Db, key: TotpKey, userId: string, code: string): Promise<{ step: number }> {
  const factor = await db.totpFactor.findUnique({ where: { userId } });
  if (factor?.confirmedAt == null) throw new TotpError("totp.not_enabled");
  const claim = await claimTotpAttempt(db, userId);
  const secret = openTotpSecret(key, userId, factor.secretEncrypted);
  let step: number | null;
  try {
    step = matchTotp(secret, code, Date.now(), factor.lastUsedStep);
  } finally {
    secret.fill(0);
  }
  if (step === null) return recordWrongCode(db, claim);
  await recordRightCode(db, claim);
  return { step };
}

/** Uses up a checked step, atomically: false when it (or a later one) was used meanwhile. */
export async function claimTotpStep(tx: Db | Tx, userId: string, step: number): Promise<boolean> {
  const count = await tx.$executeRawUnsafe(
    `UPDATE "TotpFactor" SET "lastUsedStep" = $2 WHERE "userId" = $1 AND "confirmedAt" IS NOT NULL AND ("lastUsedStep" IS NULL OR "lastUsedStep" < $2)`,
    userId,
    step,
  );
  return count === 1;
}

/**
 * Turns TOTP off. Needs a current code, or one of the recovery codes (for a lost phone).
 * Removes the factor and every recovery code, and audits how it was authorised.
 */
export async function disableTotp(
  db: Db,
  key: TotpKey,
  userId: string,
  code: string,
  request: RequestMeta,
): Promise<void> {
  const input = totpCodeSchema.parse(code);
  const status = await totpStatus(db, userId);
  if (!status.enabled) throw new TotpError("totp.not_enabled");

  if (looksLikeRecoveryCode(input)) {
    const claim = await claimTotpAttempt(db, userId);
    const codeHash = hashRecoveryCode(userId, input);
    const done = await db.$transaction(async (tx) => {
      const used = await tx.recoveryCode.deleteMany({ where: { userId, codeHash: codeHash ?? "", usedAt: null } });
      if (used.count !== 1) return false;
      await removeFactor(tx, userId, "recovery_code", request);
      return true;
    });
    if (!done) await recordWrongCode(db, claim);
    await recordRightCode(db, claim);
    return;
  }

  const { step } = await checkTotpCode(db, key, userId, input);
  await db.$transaction(async (tx) => {
    if (!(await claimTotpStep(tx, userId, step))) throw new TotpError("totp.bad_code");
    await removeFactor(tx, userId, "totp", request);
  });
}

async function removeFactor(
  tx: Tx,
  userId: string,
  authorisedWith: "totp" | "recovery_code",
  request: RequestMeta,
): Promise<void> {
  await tx.totpFactor.delete({ where: { userId } });
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await appendAccountAudit(tx, {
    userId,
    action: "totp.disabled",
    subjectType: "user",
    subjectId: userId,
    data: { authorisedWith },
    request,
  });
}

/** New recovery codes (the old ones stop working), authorised by a current TOTP code. */
export async function regenerateRecoveryCodes(
  db: Db,
  key: TotpKey,
  userId: string,
  code: string,
  request: RequestMeta,
): Promise<{ recoveryCodes: string[] }> {
  const input = totpCodeSchema.parse(code);
  const { step } = await checkTotpCode(db, key, userId, input);
  const recoveryCodes = generateRecoveryCodes();
  await db.$transaction(async (tx) => {
    if (!(await claimTotpStep(tx, userId, step))) throw new TotpError("totp.bad_code");
    await replaceRecoveryCodes(tx, userId, recoveryCodes);
    await appendAccountAudit(tx, {
      userId,
      action: "recovery_codes.generated",
      subjectType: "user",
      subjectId: userId,
      data: { count: recoveryCodes.length },
      request,
    });
  });
  return { recoveryCodes };
}
