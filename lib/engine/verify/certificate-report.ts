/** A lib/pki CertificateSummary as plain JSON for the report. */
import type { CertificateSummary } from "@/lib/engine/pki/certificate-summary";
import type { Trust } from "@/lib/engine/pki/certification-path";
import type { CertificateReport, TrustStatus } from "@/lib/engine/verify/verification-report";

export function certificateReport(summary: CertificateSummary): CertificateReport {
  return {
    subject: summary.subject,
    issuer: summary.issuer,
    serialNumberHex: summary.serialNumberHex,
    notBefore: isoTime(summary.notBefore) ?? "unknown",
    notAfter: isoTime(summary.notAfter) ?? "unknown",
    fingerprintSha256: summary.fingerprintSha256,
    keyAlgorithm: summary.keyAlgorithm,
    selfSigned: summary.selfSigned,
  };
}

/** ISO 8601, or undefined for a missing or invalid date. */
export function isoTime(date: Date | undefined): string | undefined {
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Trust is only meaningful against given anchors. */
export function trustStatus(trust: Trust, anchorsGiven: boolean): TrustStatus {
  return anchorsGiven ? trust : "not-checked";
}
