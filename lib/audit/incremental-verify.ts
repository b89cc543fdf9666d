import type { Db } from "@/lib/db/client";
import type { JsonValue } from "@/lib/audit/canonical-json";
import { entryHash } from "@/lib/audit/entry-hash";
import { verifyChain, verifyChainFrom, type ChainVerification, type VerifiedHead } from "@/lib/audit/verify-chain";

/** The audit view recomputes the whole chain again when its last full pass is older than this. */
export const FULL_VERIFICATION_EVERY_MS = 24 * 60 * 60 * 1000;

export type IncrementalOptions = { now?: Date; fullEveryMs?: number; forceFull?: boolean };

/**
 * Verifies a chain from the last head a verification found intact (AuditChainVerification),
 * recomputing only the entries appended since, then remembers the new head.
 *
 * What the incremental pass proves: the entry at the remembered sequence number still exists,
 * still carries the remembered hash and still matches its own content; every later entry
 * matches its content, links to its predecessor, has no gap, and the chain head agrees with the
 * last. So the new entries extend exactly the prefix that an earlier pass verified.
 *
 * What it does NOT prove: that entries before the remembered head are unchanged since that
 * earlier pass. A superuser who rewrites an older entry (without touching the remembered one) is
 * caught only by the next full verification: `signet audit verify` (always full), the audit
 * view's "verify the whole chain", or the full pass the view runs itself once the last one is
 * older than FULL_VERIFICATION_EVERY_MS. The remembered head lives in the same database, so
 * someone who can rewrite both it and the entries can rewrite history consistently; signed
 * checkpoints kept elsewhere are the defence against that.
 *
 * The remembered head only moves forward, and only after a successful pass; a failure leaves it
 * where it was.
 */
export async function verifyChainIncremental(
  db: Db,
  chainId: string,
  options: IncrementalOptions = {},
): Promise<ChainVerification> {
  const now = options.now ?? new Date();
  const remembered = await db.auditChainVerification.findUnique({ where: { chainId } });
  const fullDue =
    remembered === null ||
    options.forceFull === true ||
    now.getTime() - remembered.fullVerifiedAt.getTime() >= (options.fullEveryMs ?? FULL_VERIFICATION_EVERY_MS);

  if (fullDue) {
    const result = await verifyChain(db, chainId);
    if (result.valid) await rememberHead(db, chainId, { seq: result.entries, hash: result.headHash }, now, now);
    return result;
  }

  const anchorBreak = await checkRememberedHead(db, chainId, remembered);
  if (anchorBreak !== null) return anchorBreak;
  const result = await verifyChainFrom(db, chainId, remembered, "incremental");
  if (result.valid)
    await rememberHead(db, chainId, { seq: result.entries, hash: result.headHash }, now, remembered.fullVerifiedAt);
  return result;
}

/** The remembered head must still be the row a pass verified; otherwise nothing after it is trusted. */
async function checkRememberedHead(db: Db, chainId: string, head: VerifiedHead): Promise<ChainVerification | null> {
  if (head.seq === 0) return null;
  const row = await db.auditEntry.findUnique({ where: { chainId_seq: { chainId, seq: head.seq } } });
  let reason: string | null = null;
  if (row === null) reason = `entry ${head.seq}, the last verified head, is missing`;
  else if (row.hash !== head.hash) reason = "its hash is not the one a previous verification recorded for it";
  else if (entryHash({ ...row, data: row.data as JsonValue }) !== row.hash)
    reason = "its content does not match its hash";
  if (reason === null) return null;
  return {
    chainId,
    entries: head.seq - 1,
    headHash: head.hash,
    valid: false,
    firstBreak: {
      seq: head.seq,
      entryId: row?.id ?? null,
      reason: `${reason} (verify the whole chain to find where it changed)`,
    },
    mode: "incremental",
    checked: row === null ? 0 : 1,
  };
}

/** Upsert that only moves forward: concurrent views leave the furthest verified head. */
export async function rememberHead(
  db: Db,
  chainId: string,
  head: VerifiedHead,
  verifiedAt: Date,
  fullVerifiedAt: Date,
): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "AuditChainVerification" ("chainId", seq, hash, "verifiedAt", "fullVerifiedAt")
    VALUES (${chainId}, ${head.seq}, ${head.hash}, ${verifiedAt}, ${fullVerifiedAt})
    ON CONFLICT ("chainId") DO UPDATE SET
      seq = EXCLUDED.seq,
      hash = EXCLUDED.hash,
      "verifiedAt" = GREATEST("AuditChainVerification"."verifiedAt", EXCLUDED."verifiedAt"),
      "fullVerifiedAt" = GREATEST("AuditChainVerification"."fullVerifiedAt", EXCLUDED."fullVerifiedAt")
    WHERE "AuditChainVerification".seq <= EXCLUDED.seq`;
}
