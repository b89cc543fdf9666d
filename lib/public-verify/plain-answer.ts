/**
 * The answer a recipient reads first, in plain words, for one signature and for the file:
 * Valid, Invalid or Cannot be verified, the reason, and what else they should know (a
 * certificate revoked or replaced since, a testing certificate, a signer Signet does not
 * know). Pure functions over the report: the page, the printable report and tests share them.
 */
import {
  REVOCATION_REASON_LABELS,
  REVOCATION_REASONS,
  type RevocationReasonCode,
} from "@/lib/lifecycle/revocation-reasons";
import type { SignetCertificateStatus } from "@/lib/engine/verify";
import type { SignatureReport, Verdict, VerificationReport } from "@/lib/engine/verify";

export type AnswerTone = "valid" | "invalid" | "indeterminate";

export type PlainAnswer = {
  label: "Valid" | "Invalid" | "Cannot be verified";
  tone: AnswerTone;
  reason: string;
  notes: string[];
};

export const VERDICT_LABELS: Record<Verdict, PlainAnswer["label"]> = {
  valid: "Valid",
  invalid: "Invalid",
  indeterminate: "Cannot be verified",
};

export function documentAnswer(report: VerificationReport): PlainAnswer {
  const s = report.summary;
  const notes: string[] = [];
  if (s.signatureCount > 1) notes.push(`The file holds ${s.signatureCount} signatures; each is explained below.`);
  return { label: VERDICT_LABELS[s.verdict], tone: s.verdict, reason: documentReason(report), notes };
}

function documentReason(report: VerificationReport): string {
  const s = report.summary;
  if (s.signatureCount === 0) return s.reason;
  if (s.verdict === "valid")
    return s.signatureCount === 1
      ? "The seal is valid and the file has not changed since it was sealed."
      : `All ${s.signatureCount} signatures are valid.`;
  const failed = report.signatures.find((x) => x.verdict === s.verdict);
  return failed === undefined ? s.reason : failed.reason;
}

export function signatureAnswer(signature: SignatureReport): PlainAnswer {
  const notes: string[] = [];
  const record = signature.signet;
  if (signature.kind === "signature" && record !== undefined) {
    if (record.testingCertificate)
      notes.push(
        "Sealed with a self-signed testing certificate: fine for trials, not for documents that carry legal weight.",
      );
    const now = record.certificateStatusNow;
    const then = record.certificateStatusAtSigning;
    if (now !== undefined && then?.status !== "revoked") {
      const change = statusChange(now);
      if (change !== undefined) notes.push(change);
    }
    if (record.recognition === "unknown") notes.push("The signer is not known to Signet.");
  }
  if (signature.changesAfter.status === "signature-updates-only") notes.push(signature.changesAfter.description);
  return { label: VERDICT_LABELS[signature.verdict], tone: signature.verdict, reason: signature.reason, notes };
}

/** What happened to the certificate since the seal, when it matters to a recipient. */
function statusChange(now: SignetCertificateStatus): string | undefined {
  const on = now.since === undefined ? "" : ` on ${formatDate(now.since)}`;
  if (now.status === "revoked") {
    const reason =
      now.revocationReason === undefined || now.revocationReason === "unspecified" || now.revocationReason === "unknown"
        ? ""
        : ` (${reasonWords(now.revocationReason)})`;
    return `The certificate was revoked${on}${reason}, after this seal was made: the seal was valid when it was made and stays so.`;
  }
  if (now.status === "superseded")
    return `The certificate has since been replaced by a newer one${on}; seals made before stay valid.`;
  if (now.status === "expired")
    return `The certificate has expired since${on}; seals made while it was valid stay valid.`;
  return undefined;
}

/** "Active", "Superseded on 2026-11-22", "Revoked on 2026-11-22 (key compromise)". */
export function statusWords(status: SignetCertificateStatus | undefined): string {
  if (status === undefined) return "Unknown";
  const on =
    status.since === undefined ? "" : ` ${status.status === "active" ? "since" : "on"} ${formatDate(status.since)}`;
  const names: Record<SignetCertificateStatus["status"], string> = {
    inactive: "Not yet activated",
    active: "Active",
    superseded: "Superseded",
    revoked: "Revoked",
    expired: "Expired",
    not_yet_valid: "Not yet valid",
  };
  const reason =
    status.status === "revoked" && status.revocationReason !== undefined
      ? ` (${reasonWords(status.revocationReason)})`
      : "";
  return `${names[status.status]}${status.status === "inactive" ? "" : on}${reason}`;
}

/** "keyCompromise" → "key compromise" (RFC 5280 reason names as lib/lifecycle labels them). */
export function reasonWords(name: string): string {
  const code = Object.entries(REVOCATION_REASONS).find(([, n]) => n === name)?.[0];
  const label = code === undefined ? undefined : REVOCATION_REASON_LABELS[Number(code) as RevocationReasonCode];
  return label === undefined
    ? name
    : label
        .split(" ")
        .map((word) => (/^[A-Z]{2,}$/.test(word) ? word : word.toLowerCase()))
        .join(" ");
}

/** "2026-11-22 14:03 UTC" */
export function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function formatDate(iso: string): string {
  return iso.slice(0, 10);
}
