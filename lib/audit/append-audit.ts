import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { chainIdFor, type AuditAction } from "@/lib/audit/audit-actions";
import type { JsonValue } from "@/lib/audit/canonical-json";
import { entryHash, GENESIS_HASH } from "@/lib/audit/entry-hash";
import { enqueueForSiem } from "@/lib/audit/siem-outbox";

/**
 * Who asked, as far as the server can tell, and which request it was: `requestId` is the id
 * Signet's HTTP edge gave the request (X-Request-Id), also on its access-log line. Never includes
 * secrets or cookies.
 */
export type RequestMeta = { ip?: string | null; userAgent?: string | null; requestId?: string | null };

export type AuditEvent = {
  orgId: string | null;
  actorId: string | null;
  action: AuditAction;
  subjectType?: string;
  subjectId?: string;
  data?: { [key: string]: JsonValue };
  request?: RequestMeta;
};

export type AppendedEntry = { id: string; chainId: string; seq: number; hash: string };

/**
 * Appends one entry to its organisation's chain inside the caller's transaction, so the
 * entry exists exactly when the change it records does. The chain head row is locked
 * (SELECT … FOR UPDATE) for the rest of the transaction: concurrent appends from any
 * number of processes queue on it and can neither fork nor gap the chain. When the
 * organisation forwards its log to a SIEM, the entry's outbox row is written in the same
 * transaction (one conditional INSERT), so it is delivered exactly when the entry exists.
 */
export async function appendAudit(tx: Tx, event: AuditEvent): Promise<AppendedEntry> {
  const chainId = chainIdFor(event.orgId);
  await tx.$executeRaw`INSERT INTO "AuditHead" ("chainId", seq, hash) VALUES (${chainId}, 0, ${GENESIS_HASH}) ON CONFLICT ("chainId") DO NOTHING`;
  const heads = await tx.$queryRaw<
    { seq: number; hash: string }[]
  >`SELECT seq, hash FROM "AuditHead" WHERE "chainId" = ${chainId} FOR UPDATE`;
  const head = heads[0];
  if (head === undefined) throw new Error(`audit head for ${chainId} vanished`);

  const data: { [key: string]: JsonValue } = { ...(event.data ?? {}) };
  if (event.request !== undefined)
    data.request = {
      ip: event.request.ip ?? null,
      userAgent: event.request.userAgent ?? null,
      requestId: event.request.requestId ?? null,
    };
  const entry = {
    chainId,
    seq: Number(head.seq) + 1,
    orgId: event.orgId,
    at: new Date(),
    actorId: event.actorId,
    action: event.action,
    subjectType: event.subjectType ?? null,
    subjectId: event.subjectId ?? null,
    data,
    prevHash: head.hash,
  };
  const hash = entryHash(entry);
  const id = randomUUID();
  await tx.auditEntry.create({ data: { id, ...entry, hash } });
  await tx.$executeRaw`UPDATE "AuditHead" SET seq = ${entry.seq}, hash = ${hash} WHERE "chainId" = ${chainId}`;
  if (event.orgId !== null) await enqueueForSiem(tx, id, event.orgId);
  return { id, chainId, seq: entry.seq, hash };
}
