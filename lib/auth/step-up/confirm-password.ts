import type { RequestMeta } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import { ValidationError } from "@/lib/access/access-errors";
import { verifyPassword } from "@/lib/auth/password";
import { attemptPassword } from "@/lib/auth/password-attempt";

/**
 * Asks for the account's password again before a change that would let its holder seal:
 * adding a passkey or a TOTP authenticator. A stolen session cookie alone must not be enough
 * to enrol the thief's own authenticator and then pass the sealing step-up with it.
 * Attempts count against the same limits as password sign-in, before the check.
 */
export async function confirmPassword(
  db: Db,
  userId: string,
  password: string,
  request: RequestMeta,
  during = "account_security_change",
): Promise<void> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, passwordHash: true },
  });
  if (user === null) throw new ValidationError("Your account was not found. Sign in again.");
  const check = async () =>
    password.length > 0 && password.length <= 256 && (await verifyPassword(user.passwordHash, password));
  if (!(await attemptPassword(db, { email: user.email, userId: user.id, request, during, check }))) {
    throw new ValidationError("Your current password is not correct.", "password");
  }
}
