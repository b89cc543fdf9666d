import { createHash } from "node:crypto";
import { canonicalJson, type JsonValue } from "@/lib/audit/canonical-json";

export const GENESIS_HASH = "0".repeat(64);

/** The fields of an audit entry that its hash covers. */
export type HashedEntry = {
  chainId: string;
  seq: number;
  orgId: string | null;
  at: Date;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  data: JsonValue;
  prevHash: string;
};

export function entryHash(entry: HashedEntry): string {
  const canonical = canonicalJson({
    v: 1,
    chainId: entry.chainId,
    seq: entry.seq,
    orgId: entry.orgId,
    at: entry.at.toISOString(),
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    data: entry.data,
    prevHash: entry.prevHash,
  });
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}
