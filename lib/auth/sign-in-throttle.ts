import type { Db, Tx } from "../db/client";
import { SignInThrottledError } from "./auth-errors";
import { rateLimitSubject } from "./client-address";

export type ThrottlePolicy = { maxFailures: number; windowSeconds: number; lockSeconds: number };

/** Per account: slows a password guesser on one account. Per address: slows one client spraying many accounts. */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 30, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

export type ThrottleKey = { key: string; policy: ThrottlePolicy };

export function throttleKeys(email: string, clientAddress: string | null): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: `account:${email}`, policy: ACCOUNT_POLICY }];
  if (clientAddress !== null && clientAddress !== "") keys.push({ key: `address:${rateLimitSubject(clientAddress)}`, policy: ADDRESS_POLICY });
  return keys;
}

// All times come from the database's clock, so every app instance agrees on them.
const NOW = `(now() AT TIME ZONE 'UTC')`;

/** Throws SignInThrottledError while any of the keys is locked. */
export async function assertNotThrottled(db: Db | Tx, keys: ThrottleKey[]): Promise<void> {
  // One placeholder per key: array parameters are not portable across the two drivers.
  const placeholders = keys.map((_, i) => `$${i + 1}`).join(", ");
  const rows = await db.$queryRawUnsafe<{ remaining: number }[]>(
    `SELECT CEIL(EXTRACT(EPOCH FROM ("lockedUntil" - ${NOW})))::int AS remaining
       FROM "SignInThrottle" WHERE key IN (${placeholders}) AND "lockedUntil" > ${NOW}`,
    ...keys.map((k) => k.key),
  );
  if (rows.length > 0) throw new SignInThrottledError(Math.max(...rows.map((r) => Number(r.remaining))));
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
      await tx.$executeRawUnsafe(
        `UPDATE "SignInThrottle" SET "lockedUntil" = ${NOW} + make_interval(secs => $2), failures = 0, "windowStartsAt" = ${NOW} WHERE key = $1`,
        key,
        policy.lockSeconds,
      );
      locked = true;
    }
  }
  return locked;
}

export async function clearAccountFailures(tx: Tx, email: string): Promise<void> {
  await tx.signInThrottle.deleteMany({ where: { key: `account:${email}` } });
}
