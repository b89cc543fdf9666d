import { createPublicKey, verify } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { AuditError } from "@/lib/audit/audit-errors";
import { auditPublicKey, spkiKeyId, type AuditPublicKey } from "@/lib/audit/audit-signing-key";
import { canonicalJson, type JsonValue } from "@/lib/audit/canonical-json";
import { CHECKPOINT_TYPE, type CheckpointStatement } from "@/lib/audit/checkpoints";
import { verifyChain } from "@/lib/audit/verify-chain";

const statementSchema = z.object({
  type: z.literal(CHECKPOINT_TYPE),
  chainId: z.string().min(1),
  orgId: z.string().nullable(),
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  signedAt: z.string(),
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
});

const documentSchema = z.object({ statement: z.string().min(2), signature: z.string().min(1) });

/** What someone kept: a checkpoint object, or the public endpoint's answer (its latest checkpoint). */
export function parseCheckpointDocument(json: unknown): { statement: string; signature: string } {
  const candidate =
    typeof json === "object" && json !== null && "latest" in json ? (json as { latest: unknown }).latest : json;
  const parsed = documentSchema.safeParse(candidate);
  if (!parsed.success)
    throw new AuditError(
      "audit.bad_checkpoint",
      "That is not a Signet audit checkpoint: it needs a statement and a signature.",
    );
  return parsed.data;
}

export type CheckpointCheck = {
  check: "statement" | "key" | "signature" | "entry" | "chain";
  ok: boolean;
  detail: string;
};
export type CheckpointVerification = {
  valid: boolean;
  statement: CheckpointStatement | null;
  checks: CheckpointCheck[];
};

/**
 * Checks a kept checkpoint against the database: the statement is a canonical v1 statement;
 * the public key it names exists (from `publicKeys`, e.g. pinned, or the database) and hashes
 * to its id; the Ed25519 signature verifies; the chain still has an entry at that sequence
 * number with exactly that hash; and the whole chain verifies from genesis to its current head.
 * A history rewritten after the checkpoint fails the last two.
 */
export async function verifyCheckpoint(
  db: Db,
  document: { statement: string; signature: string },
  options: { publicKeys?: AuditPublicKey[] } = {},
): Promise<CheckpointVerification> {
  const checks: CheckpointCheck[] = [];
  const done = (statement: CheckpointStatement | null) => ({ valid: checks.every((c) => c.ok), statement, checks });

  let statement: CheckpointStatement;
  try {
    const parsed = statementSchema.parse(JSON.parse(document.statement) as unknown);
    if (canonicalJson(parsed as unknown as JsonValue) !== document.statement) throw new Error("not canonical");
    statement = parsed;
    checks.push({
      check: "statement",
      ok: true,
      detail: `${statement.chainId} at entry ${statement.seq}, signed ${statement.signedAt}`,
    });
  } catch {
    checks.push({
      check: "statement",
      ok: false,
      detail: "the statement is not a canonical signet-audit-checkpoint/v1 statement",
    });
    return done(null);
  }

  const key =
    options.publicKeys !== undefined
      ? (options.publicKeys.find((k) => k.id === statement.keyId) ?? null)
      : await auditPublicKey(db, statement.keyId);
  if (key === null || spkiKeyId(key.publicKeyDer) !== statement.keyId) {
    checks.push({ check: "key", ok: false, detail: `no public key with id ${statement.keyId}` });
    return done(statement);
  }
  checks.push({ check: "key", ok: true, detail: `${key.algorithm} key ${key.id}` });

  let signatureOk = false;
  try {
    signatureOk = verify(
      null,
      Buffer.from(document.statement, "utf8"),
      createPublicKey({ key: key.publicKeyDer, format: "der", type: "spki" }),
      Buffer.from(document.signature, "base64"),
    );
  } catch {
    signatureOk = false;
  }
  checks.push({
    check: "signature",
    ok: signatureOk,
    detail: signatureOk ? "the signature over the statement verifies" : "the signature does not verify",
  });
  if (!signatureOk) return done(statement);

  const entry = await db.auditEntry.findUnique({
    where: { chainId_seq: { chainId: statement.chainId, seq: statement.seq } },
    select: { hash: true },
  });
  const entryOk = entry !== null && entry.hash === statement.hash;
  checks.push({
    check: "entry",
    ok: entryOk,
    detail:
      entry === null
        ? `entry ${statement.seq} no longer exists`
        : entryOk
          ? `entry ${statement.seq} still has hash ${statement.hash}`
          : `entry ${statement.seq} now has hash ${entry.hash}, not ${statement.hash}: the history was rewritten`,
  });

  const chain = await verifyChain(db, statement.chainId);
  const reaches = chain.entries >= statement.seq;
  checks.push({
    check: "chain",
    ok: chain.valid && reaches,
    detail: !chain.valid
      ? `the chain breaks at entry ${chain.firstBreak?.seq}: ${chain.firstBreak?.reason}`
      : reaches
        ? `the chain verifies from genesis to its head (${chain.entries} entries)`
        : `the chain has only ${chain.entries} entries, fewer than the checkpoint's ${statement.seq}`,
  });
  return done(statement);
}
