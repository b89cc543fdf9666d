import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import { chainIdFor, PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { AuditError } from "@/lib/audit/audit-errors";
import { AUDIT_KEY_ALGORITHM, ensureAuditSigningKey, signWithAuditKey } from "@/lib/audit/audit-signing-key";
import { canonicalJson } from "@/lib/audit/canonical-json";

export const CHECKPOINT_TYPE = "signet-audit-checkpoint/v1";

/** What a checkpoint states; `statement` is exactly canonicalJson of this. */
export type CheckpointStatement = {
  type: typeof CHECKPOINT_TYPE;
  chainId: string;
  orgId: string | null;
  seq: number;
  hash: string;
  signedAt: string;
  keyId: string;
};

/** A checkpoint as published and as kept by whoever wants to check the log later. Nothing of the entries' content. */
export type PublishedCheckpoint = {
  id: string;
  chainId: string;
  orgId: string | null;
  seq: number;
  hash: string;
  signedAt: string;
  keyId: string;
  algorithm: string;
  statement: string;
  signature: string;
};

export function orgIdOfChain(chainId: string): string | null {
  if (chainId === PLATFORM_CHAIN) return null;
  if (!chainId.startsWith("org:")) throw new AuditError("audit.bad_checkpoint", `Unknown audit chain "${chainId}".`);
  return chainId.slice(4);
}

type CheckpointRow = {
  id: string;
  chainId: string;
  orgId: string | null;
  seq: number;
  hash: string;
  signedAt: Date;
  keyId: string;
  statement: string;
  signature: string;
};

function published(row: CheckpointRow): PublishedCheckpoint {
  return {
    id: row.id,
    chainId: row.chainId,
    orgId: row.orgId,
    seq: row.seq,
    hash: row.hash,
    signedAt: row.signedAt.toISOString(),
    keyId: row.keyId,
    algorithm: AUDIT_KEY_ALGORITHM,
    statement: row.statement,
    signature: row.signature,
  };
}

const CHECKPOINT_COLUMNS = {
  id: true,
  chainId: true,
  orgId: true,
  seq: true,
  hash: true,
  signedAt: true,
  keyId: true,
  statement: true,
  signature: true,
} as const;

/**
 * Signs the chain's current head. The head row stays locked from reading it to the end of the
 * transaction, so the statement names a head that really was the head; then, in the same
 * transaction, "audit.checkpoint_signed" is appended. The checkpoint covers the head before
 * its own entry (its entry is always seq + 1), and the log itself records every checkpoint.
 */
export async function createCheckpoint(
  db: Db,
  masterKey: MasterKey,
  chainId: string,
  by: { actorId: string | null; request?: RequestMeta },
): Promise<PublishedCheckpoint> {
  const checkpoint = await signHead(db, masterKey, chainId, by, false);
  if (checkpoint === null)
    throw new AuditError("audit.empty_chain", "This audit log has no entries yet: there is nothing to sign.", {
      status: 409,
    });
  return checkpoint;
}

/** With `onlyIfMoved`, decides under the head lock (so two instances running the periodic job sign once). */
async function signHead(
  db: Db,
  masterKey: MasterKey,
  chainId: string,
  by: { actorId: string | null; request?: RequestMeta },
  onlyIfMoved: boolean,
): Promise<PublishedCheckpoint | null> {
  const orgId = orgIdOfChain(chainId);
  const key = await ensureAuditSigningKey(db, masterKey);
  return db.$transaction(async (tx) => {
    const heads = await tx.$queryRaw<
      { seq: number; hash: string }[]
    >`SELECT seq, hash FROM "AuditHead" WHERE "chainId" = ${chainId} FOR UPDATE`;
    const head = heads[0];
    if (head === undefined || Number(head.seq) === 0) return null;
    if (onlyIfMoved) {
      const last = await tx.auditCheckpoint.findFirst({
        where: { chainId },
        orderBy: { seq: "desc" },
        select: { seq: true },
      });
      if (last !== null && Number(head.seq) <= last.seq + 1) return null;
    }
    const statement: CheckpointStatement = {
      type: CHECKPOINT_TYPE,
      chainId,
      orgId,
      seq: Number(head.seq),
      hash: head.hash,
      signedAt: new Date().toISOString(),
      keyId: key.id,
    };
    const text = canonicalJson(statement);
    const signature = (await signWithAuditKey(tx, masterKey, key.id, Buffer.from(text, "utf8"))).toString("base64");
    const row = await tx.auditCheckpoint.create({
      data: {
        id: randomUUID(),
        chainId,
        orgId,
        seq: statement.seq,
        hash: statement.hash,
        signedAt: new Date(statement.signedAt),
        keyId: key.id,
        statement: text,
        signature,
      },
      select: CHECKPOINT_COLUMNS,
    });
    await appendAudit(tx, {
      orgId,
      actorId: by.actorId,
      action: "audit.checkpoint_signed",
      subjectType: "audit_checkpoint",
      subjectId: row.id,
      data: { seq: statement.seq, hash: statement.hash, keyId: key.id },
      request: by.request,
    });
    return published(row);
  });
}

/**
 * The periodic job: a checkpoint for every chain whose head moved since its last checkpoint.
 * A checkpoint's own entry (always at its seq + 1) does not count as a move, or every
 * checkpoint would call for the next.
 */
export async function signDueCheckpoints(db: Db, masterKey: MasterKey): Promise<PublishedCheckpoint[]> {
  const due = await db.$queryRaw<{ chainId: string }[]>`
    SELECT h."chainId" FROM "AuditHead" h
    LEFT JOIN (SELECT "chainId", max(seq) AS seq FROM "AuditCheckpoint" GROUP BY "chainId") c ON c."chainId" = h."chainId"
    WHERE h.seq > COALESCE(c.seq + 1, 0)
    ORDER BY h."chainId"`;
  const signed: PublishedCheckpoint[] = [];
  for (const { chainId } of due) {
    const checkpoint = await signHead(db, masterKey, chainId, { actorId: null }, true);
    if (checkpoint !== null) signed.push(checkpoint);
  }
  return signed;
}

export async function latestCheckpoint(db: Db, chainId: string): Promise<PublishedCheckpoint | null> {
  const row = await db.auditCheckpoint.findFirst({
    where: { chainId },
    orderBy: [{ seq: "desc" }, { signedAt: "desc" }],
    select: CHECKPOINT_COLUMNS,
  });
  return row === null ? null : published(row);
}

export async function listCheckpoints(db: Db, chainId: string, limit = 100): Promise<PublishedCheckpoint[]> {
  const rows = await db.auditCheckpoint.findMany({
    where: { chainId },
    orderBy: [{ seq: "desc" }, { signedAt: "desc" }],
    take: limit,
    select: CHECKPOINT_COLUMNS,
  });
  return rows.map(published);
}

/**
 * The public document of one chain: its checkpoints (newest first), null when the organisation
 * does not exist. `id` is an organisation id, or "platform" for the platform chain.
 */
export async function publicCheckpoints(
  db: Db,
  id: string,
  limit = 100,
): Promise<{ chainId: string; latest: PublishedCheckpoint | null; checkpoints: PublishedCheckpoint[] } | null> {
  let chainId: string;
  if (id === PLATFORM_CHAIN) {
    chainId = PLATFORM_CHAIN;
  } else {
    if ((await db.organization.findUnique({ where: { id }, select: { id: true } })) === null) return null;
    chainId = chainIdFor(id);
  }
  const checkpoints = await listCheckpoints(db, chainId, limit);
  return { chainId, latest: checkpoints[0] ?? null, checkpoints };
}
