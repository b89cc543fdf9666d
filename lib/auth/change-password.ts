import { z } from "zod";
import type { RequestMeta } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import { ValidationError } from "@/lib/access/access-errors";
import { appendAccountAudit } from "@/lib/auth/passkeys/account-audit";
import { hashPassword, passwordSchema } from "@/lib/auth/password";
import { endSessionsOf } from "@/lib/auth/sessions";
import { confirmPassword } from "@/lib/auth/step-up/confirm-password";

export const passwordChangeSchema = z.object({
  password: z.string().max(256),
  newPassword: passwordSchema,
});

/**
 * Changes the signed-in person's password. The current one is asked for (counted and throttled
 * like a sign-in); every other session of the account ends, so whoever knew the old password
 * or holds a copied cookie is signed out; the session asking stays signed in.
 */
export async function changePassword(
  db: Db,
  userId: string,
  sessionId: string | null,
  input: z.infer<typeof passwordChangeSchema>,
  request: RequestMeta,
): Promise<{ otherSessionsEnded: number }> {
  await confirmPassword(db, userId, input.password, request, "password_change");
  if (input.newPassword === input.password)
    throw new ValidationError("Choose a new password that differs from the current one.", "newPassword");
  const passwordHash = await hashPassword(input.newPassword);
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    const otherSessionsEnded = await endSessionsOf(tx, userId, sessionId);
    await appendAccountAudit(tx, {
      userId,
      action: "auth.password_changed",
      subjectType: "user",
      subjectId: userId,
      data: { otherSessionsEnded },
      request,
    });
    return { otherSessionsEnded };
  });
}
