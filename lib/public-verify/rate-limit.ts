import { rateLimitSubject } from "@/lib/auth/client-address";
import type { Db } from "@/lib/db/client";
import { VerifyRateLimitedError } from "@/lib/public-verify/public-verify-errors";

export type RateLimitPolicy = { limit: number; windowSeconds: number };

/** Public verification: SIGNET_VERIFY_RATE_LIMIT requests per client address per 15 minutes. */
export const VERIFY_WINDOW_SECONDS = 15 * 60;

// Times come from the database's clock, so every app instance agrees on the window.
const NOW = `(now() AT TIME ZONE 'UTC')`;

/** The counter key of a client address (an IPv6 address counts by its /64); clients whose address is unknown share one counter. */
export function verifyRateLimitKey(clientAddress: string | null): string {
  return `verify:${clientAddress === null || clientAddress === "" ? "unknown" : rateLimitSubject(clientAddress)}`;
}

/**
 * Counts one request against `key` (a fixed window that starts at the first request) and
 * throws VerifyRateLimitedError, with the seconds until the window ends, once more than
 * `policy.limit` requests fell into the current window. One atomic upsert: app instances
 * sharing the database share the counter.
 */
export async function consumeRateLimit(
  db: Db,
  key: string,
  policy: RateLimitPolicy,
): Promise<{ count: number; remaining: number }> {
  const rows = await db.$queryRawUnsafe<{ count: number; retryAfter: number }[]>(
    `INSERT INTO "RateLimitCounter" (key, count, "windowStartsAt") VALUES ($1, 1, ${NOW})
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN "RateLimitCounter"."windowStartsAt" <= ${NOW} - make_interval(secs => $2) THEN 1 ELSE "RateLimitCounter".count + 1 END,
       "windowStartsAt" = CASE WHEN "RateLimitCounter"."windowStartsAt" <= ${NOW} - make_interval(secs => $2) THEN ${NOW} ELSE "RateLimitCounter"."windowStartsAt" END
     RETURNING count, CEIL(EXTRACT(EPOCH FROM ("windowStartsAt" + make_interval(secs => $2) - ${NOW})))::int AS "retryAfter"`,
    key,
    policy.windowSeconds,
  );
  const count = Number(rows[0]?.count ?? 0);
  if (count > policy.limit)
    throw new VerifyRateLimitedError(Math.max(1, Number(rows[0]?.retryAfter ?? policy.windowSeconds)));
  if (Math.random() < 0.01) await forgetExpiredCounters(db, policy.windowSeconds);
  return { count, remaining: policy.limit - count };
}

/** Drops counters whose window ended (now and then, so the table stays as small as the set of recent clients). */
export async function forgetExpiredCounters(db: Db, windowSeconds: number): Promise<number> {
  return db.$executeRawUnsafe(
    `DELETE FROM "RateLimitCounter" WHERE key LIKE 'verify:%' AND "windowStartsAt" <= ${NOW} - make_interval(secs => $1)`,
    windowSeconds,
  );
}
