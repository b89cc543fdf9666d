import type { JsonValue } from "@/lib/audit/canonical-json";

/** An audit entry as stored, with everything needed to recompute its hash and link. */
export type AuditEntryJson = {
  id: string;
  chainId: string;
  seq: number;
  orgId: string | null;
  at: string;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  data: JsonValue;
  prevHash: string;
  hash: string;
};

export type AuditEntryRow = Omit<AuditEntryJson, "at" | "data"> & { at: Date; data: unknown };

/** The one JSON shape of an entry: export lines and SIEM deliveries are exactly this. */
export function auditEntryJson(row: AuditEntryRow): AuditEntryJson {
  return {
    id: row.id,
    chainId: row.chainId,
    seq: row.seq,
    orgId: row.orgId,
    at: row.at.toISOString(),
    actorId: row.actorId,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    data: (row.data ?? null) as JsonValue,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
