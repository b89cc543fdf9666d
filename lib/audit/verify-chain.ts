import type { Db } from "@/lib/db/client";
import type { JsonValue } from "@/lib/audit/canonical-json";
import { entryHash, GENESIS_HASH } from "@/lib/audit/entry-hash";

export type ChainBreak = { seq: number; entryId: string | null; reason: string };
export type ChainVerification = {
  chainId: string;
  /** Entries from 1 on that are known to verify (the chain's length when valid). */
  entries: number;
  headHash: string;
  valid: boolean;
  firstBreak: ChainBreak | null;
  /** "full": every entry was recomputed; "incremental": only those after a remembered verified head. */
  mode: "full" | "incremental";
  /** How many entries this call recomputed. */
  checked: number;
};

/** A point of the chain that is taken as verified: entries 1..seq, the last with this hash. */
export type VerifiedHead = { seq: number; hash: string };

const PAGE = 1000;

/**
 * Recomputes every hash of one chain in sequence order, page by page, and names the first
 * entry that does not match: a changed field, a missing or extra sequence number, a broken
 * link to its predecessor, or a head that disagrees with the last entry.
 */
export async function verifyChain(db: Db, chainId: string): Promise<ChainVerification> {
  return verifyChainFrom(db, chainId, { seq: 0, hash: GENESIS_HASH }, "full");
}

/**
 * Recomputes the entries after `from` (which the caller vouches for) up to the end of the
 * chain, and checks the chain head against the last of them. With `from` = (0, genesis) this
 * is the full verification.
 */
export async function verifyChainFrom(
  db: Db,
  chainId: string,
  from: VerifiedHead,
  mode: ChainVerification["mode"],
): Promise<ChainVerification> {
  let expectedSeq = from.seq + 1;
  let prevHash = from.hash;
  let checked = 0;
  let firstBreak: ChainBreak | null = null;

  for (;;) {
    const rows = await db.auditEntry.findMany({
      where: { chainId, seq: { gte: expectedSeq } },
      orderBy: { seq: "asc" },
      take: PAGE,
    });
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        firstBreak = {
          seq: expectedSeq,
          entryId: null,
          reason: `entry ${expectedSeq} is missing (next entry is ${row.seq})`,
        };
        break;
      }
      if (row.prevHash !== prevHash) {
        firstBreak = { seq: row.seq, entryId: row.id, reason: "its previous-hash does not match the entry before it" };
        break;
      }
      const recomputed = entryHash({ ...row, data: row.data as JsonValue });
      if (recomputed !== row.hash) {
        firstBreak = { seq: row.seq, entryId: row.id, reason: "its content does not match its hash" };
        break;
      }
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (firstBreak !== null || rows.length < PAGE) break;
  }

  const count = from.seq + checked;
  if (firstBreak === null) {
    const head = await db.auditHead.findUnique({ where: { chainId } });
    if (head !== null && (head.seq !== count || head.hash !== prevHash)) {
      firstBreak = {
        seq: count + 1,
        entryId: null,
        reason: `the chain head says ${head.seq} entries but ${count} verify`,
      };
    }
  }
  return { chainId, entries: count, headHash: prevHash, valid: firstBreak === null, firstBreak, mode, checked };
}

export async function listChains(db: Db): Promise<string[]> {
  const heads = await db.auditHead.findMany({ select: { chainId: true }, orderBy: { chainId: "asc" } });
  return heads.map((head) => head.chainId);
}
