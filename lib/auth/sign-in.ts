import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import { InvalidCredentialsError } from "@/lib/auth/auth-errors";
import { emailSchema } from "@/lib/auth/email";
import { dummyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { attemptPassword, orgIdsOf } from "@/lib/auth/password-attempt";

export type SignedInUser = { id: string; email: string; name: string };

/**
 * Checks an email and password. The attempt is counted per account and per client address
 * before the password is checked (lib/auth/password-attempt.ts), in the database, so the limit
 * holds across instances and concurrent requests; success and failure are audited in the
 * organisations of the account (the platform chain when the email is unknown).
 */
export async function signInWithPassword(
  db: Db,
  email: string,
  password: string,
  request: RequestMeta,
): Promise<SignedInUser> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success || password.length === 0 || password.length > 256) throw new InvalidCredentialsError();
  const normalised = parsed.data;

  const user = await db.user.findUnique({ where: { email: normalised } });
  const check = async () =>
    (await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password)) && user !== null;
  if (!(await attemptPassword(db, { email: normalised, userId: user?.id ?? null, request, check })) || user === null)
    throw new InvalidCredentialsError();

  await db.$transaction(async (tx) => {
    for (const orgId of await orgIdsOf(tx, user.id)) {
      await appendAudit(tx, {
        orgId,
        actorId: user.id,
        action: "auth.sign_in",
        subjectType: "user",
        subjectId: user.id,
        data: { method: "password" },
        request,
      });
    }
  });
  return { id: user.id, email: user.email, name: user.name };
}
