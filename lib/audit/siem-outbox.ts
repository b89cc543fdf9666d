import { randomUUID } from "node:crypto";
import type { Db, Tx } from "@/lib/db/client";

/**
 * The SIEM outbox: one row per audit entry to forward, written in the entry's own
 * transaction, delivered later by the worker (siem-delivery.ts). Rows of one organisation
 * are delivered strictly in sequence order: only the organisation's oldest undelivered row is
 * ever claimed, and a failing row holds back the ones after it.
 */

/** Called by appendAudit inside its transaction: one INSERT … SELECT that writes nothing when the organisation forwards nothing. */
export async function enqueueForSiem(tx: Tx, entryId: string, orgId: string): Promise<void> {
  await tx.$executeRaw`INSERT INTO "AuditOutbox" (id, "entryId", "orgId", attempts, "nextAttemptAt", "createdAt")
    SELECT ${randomUUID()}, ${entryId}, o.id, 0, now(), now() FROM "Organization" o WHERE o.id = ${orgId} AND o."siemWebhookUrl" IS NOT NULL`;
}

export type OutboxRow = { id: string; entryId: string; orgId: string; attempts: number };

/** The organisations whose oldest undelivered row is due now (and that still forward). */
export async function dueOrganisations(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ orgId: string }[]>`
    SELECT h."orgId" FROM (
      SELECT DISTINCT ON (o."orgId") o."orgId", o."nextAttemptAt"
      FROM "AuditOutbox" o JOIN "AuditEntry" e ON e.id = o."entryId"
      WHERE o."deliveredAt" IS NULL
      ORDER BY o."orgId", e.seq
    ) h JOIN "Organization" org ON org.id = h."orgId"
    WHERE h."nextAttemptAt" <= now() AND org."siemWebhookUrl" IS NOT NULL
    ORDER BY h."orgId"`;
  return rows.map((r) => r.orgId);
}

/**
 * Claims the organisation's oldest undelivered row if it is due, for `leaseMs`: its
 * nextAttemptAt moves past the lease, so no other instance (nor this one) takes it, or any
 * later row of the organisation, until this delivery is recorded or the lease runs out (a
 * crashed instance). FOR UPDATE SKIP LOCKED makes two instances racing for the same row
 * not wait for each other: the loser gets nothing.
 */
export async function claimNext(db: Db, orgId: string, leaseMs: number): Promise<OutboxRow | null> {
  const rows = await db.$queryRaw<OutboxRow[]>`
    UPDATE "AuditOutbox" SET "nextAttemptAt" = now() + (${leaseMs}::int * interval '1 millisecond')
    WHERE id = (
      SELECT o.id FROM "AuditOutbox" o
      WHERE o.id = (
        SELECT o2.id FROM "AuditOutbox" o2 JOIN "AuditEntry" e ON e.id = o2."entryId"
        WHERE o2."orgId" = ${orgId} AND o2."deliveredAt" IS NULL
        ORDER BY e.seq LIMIT 1
      ) AND o."nextAttemptAt" <= now()
      FOR UPDATE SKIP LOCKED
    ) AND "deliveredAt" IS NULL AND "nextAttemptAt" <= now()
    RETURNING id, "entryId", "orgId", attempts`;
  return rows[0] ?? null;
}

export async function markDelivered(db: Db, id: string): Promise<void> {
  await db.$executeRaw`UPDATE "AuditOutbox" SET "deliveredAt" = now(), attempts = attempts + 1, "lastError" = NULL WHERE id = ${id}`;
}

/** Gives a claimed row back untried (forwarding was turned off meanwhile). */
export async function release(db: Db, id: string): Promise<void> {
  await db.$executeRaw`UPDATE "AuditOutbox" SET "nextAttemptAt" = now() WHERE id = ${id}`;
}

export async function markFailed(db: Db, id: string, error: string, retryInMs: number): Promise<void> {
  await db.$executeRaw`UPDATE "AuditOutbox" SET attempts = attempts + 1, "lastError" = ${error.slice(0, 500)}, "nextAttemptAt" = now() + (${Math.round(retryInMs)}::int * interval '1 millisecond') WHERE id = ${id}`;
}

/** Delivered rows are only bookkeeping: drop those older than `olderThanDays`. */
export async function pruneDelivered(db: Db, olderThanDays: number): Promise<number> {
  return db.$executeRaw`DELETE FROM "AuditOutbox" WHERE "deliveredAt" IS NOT NULL AND "deliveredAt" < now() - (${olderThanDays}::int * interval '1 day')`;
}

export type SiemDeliveryStatus = {
  pending: number;
  oldestPendingAt: Date | null;
  lastError: string | null;
  lastDeliveredAt: Date | null;
  nextAttemptAt: Date | null;
};

export async function siemDeliveryStatus(db: Db, orgId: string): Promise<SiemDeliveryStatus> {
  const [pending, oldest, failing, delivered] = await Promise.all([
    db.auditOutbox.count({ where: { orgId, deliveredAt: null } }),
    db.auditOutbox.findFirst({
      where: { orgId, deliveredAt: null },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true, nextAttemptAt: true },
    }),
    db.auditOutbox.findFirst({
      where: { orgId, deliveredAt: null, lastError: { not: null } },
      orderBy: { createdAt: "asc" },
      select: { lastError: true, nextAttemptAt: true },
    }),
    db.auditOutbox.findFirst({
      where: { orgId, deliveredAt: { not: null } },
      orderBy: { deliveredAt: "desc" },
      select: { deliveredAt: true },
    }),
  ]);
  return {
    pending,
    oldestPendingAt: oldest?.createdAt ?? null,
    lastError: failing?.lastError ?? null,
    lastDeliveredAt: delivered?.deliveredAt ?? null,
    nextAttemptAt: failing?.nextAttemptAt ?? oldest?.nextAttemptAt ?? null,
  };
}

export type OutboxBacklog = { pending: number; oldestAgeSeconds: number };

/**
 * For /metrics: how many rows wait for delivery, across organisations that still forward, and
 * how old the oldest is (by the database's clock). One statement over the undelivered rows,
 * which the ("deliveredAt", "nextAttemptAt") index finds; it costs as much as the backlog is long.
 */
export async function outboxBacklog(db: Db): Promise<OutboxBacklog> {
  const rows = await db.$queryRaw<{ pending: number; oldestAgeSeconds: number | null }[]>`
    SELECT count(*)::int AS pending,
      EXTRACT(EPOCH FROM (now() - min(o."createdAt")))::float8 AS "oldestAgeSeconds"
    FROM "AuditOutbox" o JOIN "Organization" org ON org.id = o."orgId"
    WHERE o."deliveredAt" IS NULL AND org."siemWebhookUrl" IS NOT NULL`;
  const row = rows[0];
  return { pending: Number(row?.pending ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.oldestAgeSeconds ?? 0)) };
}
