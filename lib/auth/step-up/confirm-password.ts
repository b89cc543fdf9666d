import type { RequestMeta } from "../../audit/append-audit";
import type { Db } from "../../db/client";
import { ValidationError } from "../auth-errors";
import { appendAccountAudit } from "../passkeys/account-audit";
import { verifyPassword } from "../password";
import { ACCOUNT_POLICY, assertNotThrottled, clearAccountFailures, recordFailure, throttleKeys } from "../sign-in-throttle";
import { SignInThrottledError } from "../auth-errors";

/**
 * Asks for the account's password again before a change that would let its holder seal:
 * adding a passkey or a TOTP authenticator. A stolen session cookie alone must not be enough
 * to enrol the thief's own authenticator and then pass the sealing step-up with it.
 * Failures count against the same limits as password sign-in.
 */
export async function confirmPassword(db: Db, userId: string, password: string, request: RequestMeta): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, passwordHash: true } });
  if (user === null) throw new ValidationError("Your account was not found. Sign in again.");
  const keys = throttleKeys(user.email, request.ip ?? null);
  await assertNotThrottled(db, keys);
  const ok = password.length > 0 && password.length <= 256 && (await verifyPassword(user.passwordHash, password));
  if (!ok) {
    const locked = await db.$transaction(async (tx) => {
      const lockedNow = await recordFailure(tx, keys);
      await appendAccountAudit(tx, {
        userId: user.id,
        action: "auth.sign_in_failed",
        subjectType: "user",
        subjectId: user.id,
        data: { email: user.email, reason: "wrong_password", during: "account_security_change" },
        request,
      });
      return lockedNow;
    });
    if (locked) throw new SignInThrottledError(ACCOUNT_POLICY.lockSeconds);
    throw new ValidationError("Your current password is not correct.", "password");
  }
  await db.$transaction((tx) => clearAccountFailures(tx, user.email));
}
