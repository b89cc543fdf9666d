import type { Db, Tx } from "@/lib/db/client";
import { SignInThrottledError } from "@/lib/auth/auth-errors";
import { rateLimitSubject } from "@/lib/auth/client-address";
import { signetMetrics } from "@/lib/metrics/signet-metrics";

export type ThrottlePolicy = { maxFailures: number; windowSeconds: number; lockSeconds: number };

/** Per account: slows a password guesser on one account. Per address: slows one client spraying many accounts. */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 30, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

export type ThrottleKey = { key: string; policy: ThrottlePolicy };

export function throttleKeys(email: string, clientAddress: string | null): ThrottleKey[] {
  return [{ key: `account:${email}`, policy: ACCOUNT_POLICY }, ...addressThrottleKeys(clientAddress)];
}

/** The client address's key alone (an IPv6 client counts by its /64), or none when the address is unknown. */
export function addressThrottleKeys(clientAddress: string | null): ThrottleKey[] {
  return clientAddress === null || clientAddress === ""
    ? []
    : [{ key: `address:${rateLimitSubject(clientAddress)}`, policy: ADDRESS_POLICY }];
}

// All times come from the database's clock, so every app instance agrees on them.
const NOW = `(now() AT TIME ZONE 'UTC')`;

/** Throws SignInThrottledError while any of the keys is locked. */
export async function assertNotThrottled(db: Db | Tx, keys: ThrottleKey[]): Promise<void> {
  // One placeholder per key: array parameters are not portable across the two drivers.
  const placeholders = keys.map((_, i) => `$${i + 1}`).join(", ");
  const rows = await db.$queryRawUnsafe<{ key: string; remaining: number }[]>(
    `SELECT key, CEIL(EXTRACT(EPOCH FROM ("lockedUntil" - ${NOW})))::int AS remaining
       FROM "SignInThrottle" WHERE key IN (${placeholders}) AND "lockedUntil" > ${NOW}`,
    ...keys.map((k) => k.key),
  );
  if (rows.length > 0) {
    countThrottled(rows[0]!.key);
    throw new SignInThrottledError(Math.max(...rows.map((r) => Number(r.remaining))));
  }
}

/** Counts one attempt the throttle refused (GET /metrics), by the kind of limit: account, address or totp. */
function countThrottled(key: string): void {
  const kind = key.slice(0, key.indexOf(":"));
  signetMetrics().signInThrottled.inc({ limit: kind === "account" || kind === "totp" ? kind : "address" });
}

/** Counts one failure against each key, atomically; returns true when this failure locked one of them. */
export async function recordFailure(tx: Tx, keys: ThrottleKey[]): Promise<boolean> {
  let locked = false;
  for (const { key, policy } of keys) {
    const rows = await tx.$queryRawUnsafe<{ failures: number }[]>(
      `INSERT INTO "SignInThrottle" (key, failures, "windowStartsAt") VALUES ($1, 1, ${NOW})
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN "SignInThrottle"."windowStartsAt" < ${NOW} - make_interval(secs => $2) THEN 1 ELSE "SignInThrottle".failures + 1 END,
         "windowStartsAt" = CASE WHEN "SignInThrottle"."windowStartsAt" < ${NOW} - make_interval(secs => $2) THEN ${NOW} ELSE "SignInThrottle"."windowStartsAt" END
       RETURNING failures`,
      key,
      policy.windowSeconds,
    );
    const failures = Number(rows[0]?.failures ?? 0);
    if (failures >= policy.maxFailures) {
      await lockKey(tx, key, policy);
      locked = true;
    }
  }
  return locked;
}

/** What one claimed attempt found for one key. */
export type ClaimedKey = {
  key: ThrottleKey;
  /** Attempts counted in the window, this one included. */
  attempts: number;
  refused: boolean;
  /** This attempt is the first refused since the key was last open (it alone is audited one by one). */
  firstRefusal: boolean;
  /** Set on the first attempt let through after refusals: how many were refused meanwhile. */
  refusalsToReport: number;
  retryAfterSeconds: number;
};

export type AttemptClaim = { refused: boolean; retryAfterSeconds: number; keys: ClaimedKey[] };

/**
 * Counts an attempt against every key BEFORE its secret is checked, one atomic statement per
 * key, so concurrent attempts each see their own number: of any burst, at most maxFailures are
 * let through to the (slow) check. A locked key, or one whose window is used up, refuses the
 * attempt and counts the refusal instead.
 */
export async function claimAttempt(db: Db | Tx, keys: ThrottleKey[]): Promise<AttemptClaim> {
  const claimed: ClaimedKey[] = [];
  for (const throttleKey of keys) {
    const { key, policy } = throttleKey;
    const locked = `t."lockedUntil" IS NOT NULL AND t."lockedUntil" > ${NOW}`;
    const windowOver = `t."windowStartsAt" <= ${NOW} - make_interval(secs => $2)`;
    const refusedNow = `(${locked}) OR (NOT (${windowOver}) AND t.failures + 1 > $3)`;
    const rows = await db.$queryRawUnsafe<
      { failures: number; refusedAttempts: number; refusalsToReport: number; lockedForSeconds: number }[]
    >(
      `INSERT INTO "SignInThrottle" AS t (key, failures, "windowStartsAt") VALUES ($1, 1, ${NOW})
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN ${locked} THEN t.failures WHEN ${windowOver} THEN 1 ELSE t.failures + 1 END,
         "windowStartsAt" = CASE WHEN ${locked} THEN t."windowStartsAt" WHEN ${windowOver} THEN ${NOW} ELSE t."windowStartsAt" END,
         "refusedAttempts" = CASE WHEN ${refusedNow} THEN t."refusedAttempts" + 1 ELSE 0 END,
         "refusalsToReport" = CASE WHEN ${refusedNow} THEN 0 ELSE t."refusedAttempts" END
       RETURNING failures, "refusedAttempts", "refusalsToReport",
         GREATEST(0, CEIL(EXTRACT(EPOCH FROM ("lockedUntil" - ${NOW}))))::int AS "lockedForSeconds"`,
      key,
      policy.windowSeconds,
      policy.maxFailures,
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`throttle row for ${key} vanished`);
    const refusedAttempts = Number(row.refusedAttempts);
    const lockedFor = Number(row.lockedForSeconds ?? 0);
    const result: ClaimedKey = {
      key: throttleKey,
      attempts: Number(row.failures),
      refused: refusedAttempts > 0,
      firstRefusal: refusedAttempts === 1,
      refusalsToReport: Number(row.refusalsToReport),
      retryAfterSeconds: lockedFor > 0 ? lockedFor : policy.lockSeconds,
    };
    claimed.push(result);
    if (result.refused) {
      countThrottled(key);
      // A refused attempt is not counted against the keys that let it through: a locked
      // address spraying accounts does not use up their own allowance.
      for (const earlier of claimed.slice(0, -1)) await refundAttempt(db, earlier.key.key);
      return { refused: true, retryAfterSeconds: result.retryAfterSeconds, keys: claimed };
    }
  }
  return { refused: false, retryAfterSeconds: 0, keys: claimed };
}

async function refundAttempt(db: Db | Tx, key: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE "SignInThrottle" SET failures = GREATEST(failures - 1, 0) WHERE key = $1`, key);
}

/** After a failed check: locks each key whose window this attempt used up; true when one was locked. */
export async function lockExhaustedKeys(tx: Tx, claim: AttemptClaim): Promise<boolean> {
  let locked = false;
  for (const { key, attempts } of claim.keys) {
    if (attempts < key.policy.maxFailures) continue;
    await lockKey(tx, key.key, key.policy);
    locked = true;
  }
  return locked;
}

/** After a successful check: the account starts afresh, and the address gets its attempt back (only failures should count there). */
export async function settleSuccessfulAttempt(tx: Tx, claim: AttemptClaim): Promise<void> {
  for (const { key } of claim.keys) {
    if (key.key.startsWith("account:")) await tx.signInThrottle.deleteMany({ where: { key: key.key } });
    else await refundAttempt(tx, key.key);
  }
}

async function lockKey(tx: Tx, key: string, policy: ThrottlePolicy): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE "SignInThrottle" SET "lockedUntil" = ${NOW} + make_interval(secs => $2), failures = 0, "windowStartsAt" = ${NOW} WHERE key = $1`,
    key,
    policy.lockSeconds,
  );
}
