import { summarize } from "@/lib/engine/verify";
import type { SignatureReport, VerificationReport } from "@/lib/engine/verify";

/** lib/verify's reasons when the signer's chain does not reach a trust anchor. */
const UNTRUSTED_REASONS = new Set([
  "The signer's certificate is not trusted.",
  "The signer's certificate is self-signed and not trusted.",
]);

/**
 * Folds what Signet's records say into the verdicts, then recomputes the summary:
 *  - a certificate that Signet's audit trail shows revoked at signing time makes the signature
 *    invalid when the seal is in Signet's records (its time is Signet's own), and indeterminate
 *    otherwise (the time is only claimed, or proven by a timestamp Signet did not record);
 *  - an intact signature whose signer Signet does not know stays indeterminate, in plain words.
 * A revocation after signing changes nothing: the seal was valid when it was made.
 */
export function applySignetRecords(report: VerificationReport): VerificationReport {
  const signatures = report.signatures.map(rejudge);
  return { ...report, signatures, summary: summarize(signatures, report.trustAnchorsGiven) };
}

function rejudge(signature: SignatureReport): SignatureReport {
  const record = signature.signet;
  if (record === undefined || signature.kind !== "signature") return signature;
  const atSigning = record.certificateStatusAtSigning;
  if (atSigning?.status === "revoked" && signature.verdict !== "invalid") {
    const since = atSigning.since === undefined ? "" : ` on ${atSigning.since.slice(0, 10)}`;
    const reason = `Signet's records show that the signer's certificate was revoked${since}, before this signature was made.`;
    return {
      ...signature,
      verdict: record.inRecords ? "invalid" : "indeterminate",
      reason,
      problems: [...signature.problems, reason],
    };
  }
  if (
    record.recognition === "unknown" &&
    signature.verdict === "indeterminate" &&
    UNTRUSTED_REASONS.has(signature.reason) &&
    signature.integrity.intact
  ) {
    return { ...signature, reason: "The signature is intact, but the signer is not known to Signet." };
  }
  return signature;
}
