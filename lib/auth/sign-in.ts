import { appendAudit, type RequestMeta } from "../audit/append-audit";
import type { Db, Tx } from "../db/client";
import { InvalidCredentialsError, SignInThrottledError } from "./auth-errors";
import { emailSchema } from "./email";
import { dummyPasswordHash, verifyPassword } from "./password";
import { ACCOUNT_POLICY, assertNotThrottled, clearAccountFailures, recordFailure, throttleKeys } from "./sign-in-throttle";

export type SignedInUser = { id: string; email: string; name: string };

/**
 * Checks an email and password. Refuses while the account or the client address is
 * throttled, counts failures in the database (so the limit holds across instances), and
 * audits success and failure in the organisations of the account (the platform chain when
 * the email is unknown).
 */
export async function signInWithPassword(db: Db, email: string, password: string, request: RequestMeta): Promise<SignedInUser> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success || password.length === 0 || password.length > 256) throw new InvalidCredentialsError();
  const normalised = parsed.data;
  const keys = throttleKeys(normalised, request.ip ?? null);

  try {
    await assertNotThrottled(db, keys);
  } catch (error) {
    if (error instanceof SignInThrottledError) await db.$transaction((tx) => auditFailure(tx, normalised, null, "throttled", request));
    throw error;
  }

  const user = await db.user.findUnique({ where: { email: normalised } });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);

  if (!ok || user === null) {
    const lockedNow = await db.$transaction(async (tx) => {
      const locked = await recordFailure(tx, keys);
      await auditFailure(tx, normalised, user?.id ?? null, user === null ? "unknown_account" : "wrong_password", request);
      return locked;
    });
    if (lockedNow) throw new SignInThrottledError(ACCOUNT_POLICY.lockSeconds);
    throw new InvalidCredentialsError();
  }

  await db.$transaction(async (tx) => {
    await clearAccountFailures(tx, normalised);
    for (const orgId of await orgIdsOf(tx, user.id)) {
      await appendAudit(tx, { orgId, actorId: user.id, action: "auth.sign_in", subjectType: "user", subjectId: user.id, data: { method: "password" }, request });
    }
  });
  return { id: user.id, email: user.email, name: user.name };
}

async function orgIdsOf(tx: Tx, userId: string): Promise<(string | null)[]> {
  const memberships = await tx.membership.findMany({ where: { userId }, select: { orgId: true }, orderBy: { orgId: "asc" } });
  return memberships.length === 0 ? [null] : memberships.map((m) => m.orgId);
}

async function auditFailure(tx: Tx, email: string, userId: string | null, reason: string, request: RequestMeta): Promise<void> {
  const orgIds = userId === null ? [null] : await orgIdsOf(tx, userId);
  for (const orgId of orgIds) {
    await appendAudit(tx, { orgId, actorId: null, action: "auth.sign_in_failed", subjectType: "user", subjectId: userId ?? undefined, data: { email, reason }, request });
  }
}
