import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import type { CertificateState, KeyBackendKind, KeyState } from "@/lib/db/generated/enums";

/** What the dashboard shows for a certificate, or for a key still waiting for one. */
export type LifecycleState =
  "pending_csr" | "no_certificate" | "enrolled" | "active" | "superseded" | "revoked" | "expired" | "destroyed";

export const LIFECYCLE_STATE_LABELS: Record<LifecycleState, string> = {
  pending_csr: "Pending CSR",
  no_certificate: "No certificate",
  enrolled: "Enrolled, not active",
  active: "Active",
  superseded: "Superseded",
  revoked: "Revoked",
  expired: "Expired",
  destroyed: "Key destroyed",
};

/** Days before expiry from which the dashboard warns. */
export const EXPIRY_WARNING_DAYS = 30;

export function lifecycleState(
  certificate: { state: CertificateState; notAfter: Date },
  keyState: KeyState,
  now: Date,
): LifecycleState {
  if (certificate.state === "REVOKED") return "revoked";
  if (keyState === "DESTROYED") return "destroyed";
  if (certificate.notAfter <= now) return "expired";
  if (certificate.state === "SUPERSEDED") return "superseded";
  return certificate.state === "ACTIVE" ? "active" : "enrolled";
}

export type CertificateRow = {
  kind: "certificate";
  id: string;
  keyId: string;
  keyLabel: string;
  backend: KeyBackendKind;
  algorithm: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  daysLeft: number;
  expiryWarning: boolean;
  sha256: string;
  selfSigned: boolean;
  state: LifecycleState;
  seals: number;
  restrictSealers: boolean;
};

export type PendingKeyRow = {
  kind: "key";
  keyId: string;
  keyLabel: string;
  backend: KeyBackendKind;
  algorithm: string;
  state: LifecycleState;
  createdAt: Date;
};

/** Every certificate of the organisation (and every key still without one), newest first. */
export async function certificateOverview(
  db: Db,
  ctx: OrgContext,
  now = new Date(),
): Promise<(CertificateRow | PendingKeyRow)[]> {
  const [keys, counts] = await Promise.all([
    db.signingKey.findMany({
      where: { orgId: ctx.orgId },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        label: true,
        backend: true,
        algorithm: true,
        state: true,
        createdAt: true,
        requests: { select: { id: true }, take: 1 },
        certificates: {
          orderBy: { createdAt: "desc" },
          select: {
            id: true,
            subject: true,
            issuer: true,
            notBefore: true,
            notAfter: true,
            sha256: true,
            selfSigned: true,
            state: true,
            restrictSealers: true,
          },
        },
      },
    }),
    db.seal.groupBy({ by: ["certificateId"], where: { orgId: ctx.orgId }, _count: { _all: true } }),
  ]);
  const sealCount = new Map(counts.map((c) => [c.certificateId, c._count._all]));
  const rows: (CertificateRow | PendingKeyRow)[] = [];
  for (const key of keys) {
    if (key.certificates.length === 0) {
      rows.push({
        kind: "key",
        keyId: key.id,
        keyLabel: key.label,
        backend: key.backend,
        algorithm: key.algorithm,
        state: key.state === "DESTROYED" ? "destroyed" : key.requests.length > 0 ? "pending_csr" : "no_certificate",
        createdAt: key.createdAt,
      });
      continue;
    }
    for (const c of key.certificates) {
      const daysLeft = Math.floor((c.notAfter.getTime() - now.getTime()) / 86_400_000);
      const state = lifecycleState(c, key.state, now);
      rows.push({
        kind: "certificate",
        id: c.id,
        keyId: key.id,
        keyLabel: key.label,
        backend: key.backend,
        algorithm: key.algorithm,
        subject: c.subject,
        issuer: c.issuer,
        notBefore: c.notBefore,
        notAfter: c.notAfter,
        daysLeft,
        expiryWarning: (state === "active" || state === "enrolled") && daysLeft <= EXPIRY_WARNING_DAYS,
        sha256: c.sha256,
        selfSigned: c.selfSigned,
        state,
        seals: sealCount.get(c.id) ?? 0,
        restrictSealers: c.restrictSealers,
      });
    }
  }
  return rows;
}
