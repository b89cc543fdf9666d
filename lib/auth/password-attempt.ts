import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { JsonValue } from "@/lib/audit/canonical-json";
import type { Db, Tx } from "@/lib/db/client";
import { SignInThrottledError } from "@/lib/auth/auth-errors";
import {
  claimAttempt,
  lockExhaustedKeys,
  settleSuccessfulAttempt,
  throttleKeys,
  type AttemptClaim,
} from "@/lib/auth/sign-in-throttle";

export type PasswordAttempt = {
  /** The normalised email the attempt is for (known account or not). */
  email: string;
  /** The account's id, or null for an unknown email (its entries go to the platform chain). */
  userId: string | null;
  request: RequestMeta;
  /** Where the password was asked for, when not at sign-in ("invitation", "account_security_change", …). */
  during?: string;
  /** The slow check itself (argon2); it runs only once the attempt has been counted. */
  check: () => Promise<boolean>;
};

/**
 * One password attempt, wherever a password is asked for (sign-in, accepting an invitation,
 * confirming a change): counted per account and per client address before the check runs,
 * refused while either is throttled, every failure audited. Of the refused attempts only the
 * first since the key was open is audited one by one; the rest are counted and reported in one
 * summary entry, so a flood writes a bounded number of entries.
 *
 * Returns whether the password was right; throws SignInThrottledError when the attempt was
 * refused or when its failure locked the account or the address.
 */
export async function attemptPassword(db: Db, attempt: PasswordAttempt): Promise<boolean> {
  const claim = await claimAttempt(db, throttleKeys(attempt.email, attempt.request.ip ?? null));
  await reportRefusals(db, attempt, claim);
  if (claim.refused) throw new SignInThrottledError(claim.retryAfterSeconds);

  const ok = await attempt.check();
  if (ok) {
    await db.$transaction((tx) => settleSuccessfulAttempt(tx, claim));
    return true;
  }
  const lockedNow = await db.$transaction(async (tx) => {
    const locked = await lockExhaustedKeys(tx, claim);
    await auditAttempt(tx, attempt, "auth.sign_in_failed", {
      reason: attempt.userId === null ? "unknown_account" : "wrong_password",
    });
    return locked;
  });
  if (lockedNow)
    throw new SignInThrottledError(
      Math.max(
        ...claim.keys.filter((k) => k.attempts >= k.key.policy.maxFailures).map((k) => k.key.policy.lockSeconds),
      ),
    );
  return false;
}

async function reportRefusals(db: Db, attempt: PasswordAttempt, claim: AttemptClaim): Promise<void> {
  const first = claim.keys.filter((k) => k.firstRefusal);
  const summaries = claim.keys.filter((k) => k.refusalsToReport > 0);
  if (first.length === 0 && summaries.length === 0) return;
  await db.$transaction(async (tx) => {
    if (first.length > 0)
      await auditAttempt(tx, attempt, "auth.sign_in_failed", {
        reason: "throttled",
        throttledBy: first.map((k) => throttleKind(k.key.key)),
      });
    for (const summary of summaries) {
      await auditAttempt(tx, attempt, "auth.sign_in_throttled", {
        throttledBy: throttleKind(summary.key.key),
        refused: summary.refusalsToReport,
      });
    }
  });
}

/** "account" or "address": which kind of limit refused. */
function throttleKind(key: string): string {
  return key.slice(0, key.indexOf(":"));
}

async function auditAttempt(
  tx: Tx,
  attempt: PasswordAttempt,
  action: "auth.sign_in_failed" | "auth.sign_in_throttled",
  data: { [key: string]: string | number | string[] },
): Promise<void> {
  const orgIds = attempt.userId === null ? [null] : await orgIdsOf(tx, attempt.userId);
  const entry: { [key: string]: JsonValue } = { email: attempt.email, ...data };
  if (attempt.during !== undefined) entry.during = attempt.during;
  for (const orgId of orgIds) {
    await appendAudit(tx, {
      orgId,
      actorId: null,
      action,
      subjectType: "user",
      subjectId: attempt.userId ?? undefined,
      data: entry,
      request: attempt.request,
    });
  }
}

/** The organisations whose chains record events of this account (the platform chain when none). */
export async function orgIdsOf(tx: Tx, userId: string): Promise<(string | null)[]> {
  const memberships = await tx.membership.findMany({
    where: { userId },
    select: { orgId: true },
    orderBy: { orgId: "asc" },
  });
  return memberships.length === 0 ? [null] : memberships.map((m) => m.orgId);
}
