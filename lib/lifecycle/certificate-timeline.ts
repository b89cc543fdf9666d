import type { Db, Tx } from "@/lib/db/client";
import type { JsonValue } from "@/lib/audit/canonical-json";

/** One audit entry about a certificate, as the lifecycle reads it back. */
export type CertificateEvent = {
  seq: number;
  at: Date;
  action: string;
  actorId: string | null;
  data: { [key: string]: JsonValue };
};

/** Audit actions that change a certificate's status or describe its life. */
export const CERTIFICATE_ACTIONS = [
  "certificate.uploaded",
  "certificate.activated",
  "certificate.rotated",
  "certificate.revoked",
  "certificate.sealers_changed",
  "key.destroyed",
] as const;

/**
 * A certificate's history from the audit trail, oldest first: every entry whose subject is
 * the certificate, plus the destruction of its key (whose entry names the certificates).
 * The audit trail is the source of truth for certificate status; the row's state column
 * is a cache written in the same transaction.
 */
export async function certificateTimeline(
  db: Db | Tx,
  orgId: string,
  certificateId: string,
): Promise<CertificateEvent[]> {
  const certificate = await db.signingCertificate.findFirst({
    where: { id: certificateId, orgId },
    select: { keyId: true },
  });
  if (certificate === null) return [];
  const rows = await db.auditEntry.findMany({
    where: {
      orgId,
      OR: [
        { subjectType: "certificate", subjectId: certificateId },
        { subjectType: "key", subjectId: certificate.keyId, action: "key.destroyed" },
      ],
    },
    orderBy: { seq: "asc" },
    select: { seq: true, at: true, action: true, actorId: true, data: true },
  });
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    action: r.action,
    actorId: r.actorId,
    data: (r.data ?? {}) as { [key: string]: JsonValue },
  }));
}
