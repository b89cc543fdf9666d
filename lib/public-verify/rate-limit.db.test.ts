import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromPGlite, openDatabase, type Db } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { VerifyRateLimitedError } from "@/lib/public-verify/public-verify-errors";
import { consumeRateLimit, forgetExpiredCounters, verifyRateLimitKey } from "@/lib/public-verify/rate-limit";

let t: TestDatabase;
/** A second app instance: its own client (and pool) on the same database. */
let other: { db: Db; close(): Promise<void> };

beforeAll(async () => {
  t = await createTestDatabase();
  if (t.kind === "postgres") {
    const opened = await openDatabase({ kind: "postgres", url: t.url as string });
    other = { db: opened.db, close: () => opened.db.$disconnect() };
  } else {
    const opened = fromPGlite(t.pglite!);
    other = { db: opened.db, close: () => opened.db.$disconnect() };
  }
});
afterAll(async () => {
  await other?.close();
  await t?.drop();
});

const policy = { limit: 5, windowSeconds: 900 };

describe("the public verification rate limit", () => {
  it("counts requests of one address across two app instances and refuses the one over the limit, with the seconds to wait", async () => {
    const key = verifyRateLimitKey("203.0.113.7");
    for (let i = 0; i < 5; i++) await consumeRateLimit(i % 2 === 0 ? t.db : other.db, key, policy);
    const refused = await consumeRateLimit(other.db, key, policy).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(VerifyRateLimitedError);
    expect((refused as VerifyRateLimitedError).status).toBe(429);
    expect((refused as VerifyRateLimitedError).retryAfterSeconds).toBeGreaterThan(890);
    expect((refused as VerifyRateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(900);
    await expect(consumeRateLimit(t.db, key, policy)).rejects.toBeInstanceOf(VerifyRateLimitedError);
    // Another address has its own counter.
    await expect(consumeRateLimit(t.db, verifyRateLimitKey("203.0.113.8"), policy)).resolves.toMatchObject({
      count: 1,
      remaining: 4,
    });
    const row = await t.db.rateLimitCounter.findUniqueOrThrow({ where: { key } });
    expect(row.count).toBe(7);
  });

  it("starts a new window once the old one has passed (by the database's clock)", async () => {
    const key = verifyRateLimitKey("203.0.113.9");
    for (let i = 0; i < 5; i++) await consumeRateLimit(t.db, key, policy);
    await expect(consumeRateLimit(t.db, key, policy)).rejects.toBeInstanceOf(VerifyRateLimitedError);
    await t.db.$executeRawUnsafe(
      `UPDATE "RateLimitCounter" SET "windowStartsAt" = "windowStartsAt" - interval '16 minutes' WHERE key = $1`,
      key,
    );
    await expect(consumeRateLimit(other.db, key, policy)).resolves.toMatchObject({ count: 1 });
    // Expired counters can be forgotten; current ones stay.
    await t.db.$executeRawUnsafe(
      `UPDATE "RateLimitCounter" SET "windowStartsAt" = "windowStartsAt" - interval '16 minutes' WHERE key = $1`,
      verifyRateLimitKey("203.0.113.8"),
    );
    expect(await forgetExpiredCounters(t.db, 900)).toBeGreaterThanOrEqual(1);
    expect(await t.db.rateLimitCounter.findUnique({ where: { key: verifyRateLimitKey("203.0.113.8") } })).toBeNull();
    expect(await t.db.rateLimitCounter.findUnique({ where: { key } })).not.toBeNull();
  });

  it("counts the addresses of one IPv6 /64 together, so rotating through them gains nothing", async () => {
    for (let i = 1; i <= 5; i++)
      await consumeRateLimit(t.db, verifyRateLimitKey(`2001:db8:7:7::${i.toString(16)}`), policy);
    await expect(consumeRateLimit(t.db, verifyRateLimitKey("2001:db8:7:7:abcd::9"), policy)).rejects.toBeInstanceOf(
      VerifyRateLimitedError,
    );
    await expect(consumeRateLimit(t.db, verifyRateLimitKey("2001:db8:7:8::1"), policy)).resolves.toMatchObject({
      count: 1,
    });
  });

  it("lets exactly the limit through when requests of two instances race", async () => {
    const key = verifyRateLimitKey(null);
    expect(key).toBe("verify:unknown");
    const outcomes = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        consumeRateLimit(i % 2 === 0 ? t.db : other.db, key, { limit: 10, windowSeconds: 900 }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(10);
    expect(
      outcomes
        .filter((o) => o.status === "rejected")
        .every((o) => (o as PromiseRejectedResult).reason instanceof VerifyRateLimitedError),
    ).toBe(true);
  });
});
