import type { CertificateStatus } from "@/lib/lifecycle/certificate-status";
import type { SignetCertificateStatus, SignetRecord } from "@/lib/engine/verify";

/** lib/lifecycle's status as plain JSON for the report. */
export function statusRecord(status: CertificateStatus): SignetCertificateStatus {
  return {
    status: status.status,
    ...(status.since === undefined ? {} : { since: status.since.toISOString() }),
    ...(status.revocationReason === undefined ? {} : { revocationReason: status.revocationReason }),
  };
}

/** The short status of the first version of the record. */
export function shortStatus(status: SignetCertificateStatus): NonNullable<SignetRecord["certificateStatus"]> {
  if (status.status === "active" || status.status === "superseded") return "active";
  if (status.status === "revoked") return "revoked";
  if (status.status === "expired") return "expired";
  return "unknown";
}
