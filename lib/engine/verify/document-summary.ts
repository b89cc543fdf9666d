/**
 * The document-level summary and the CLI's exit code: 0 only when the file holds
 * at least one signature and every signature and document timestamp is valid
 * (trusted, when anchors were given), which also means nothing but later
 * signatures, DSS or document timestamps was appended after the first one.
 */
import type { DocumentSummary, SignatureReport } from "@/lib/engine/verify/verification-report";

export function summarize(signatures: readonly SignatureReport[], anchorsGiven: boolean): DocumentSummary {
  const signatureCount = signatures.filter((s) => s.kind === "signature").length;
  const documentTimestampCount = signatures.length - signatureCount;
  const last = signatures[signatures.length - 1];
  const modifiedAfterLastSignature = last !== undefined && last.changesAfter.status === "modified";
  const base = { signatureCount, documentTimestampCount, modifiedAfterLastSignature };
  if (signatureCount === 0) {
    return {
      ...base,
      allValid: false,
      verdict: "invalid",
      exitCode: 1,
      reason:
        documentTimestampCount > 0
          ? "The document holds document timestamps but no signature."
          : "The document holds no signature.",
    };
  }
  const failed =
    signatures.find((s) => s.verdict === "invalid") ?? signatures.find((s) => s.verdict === "indeterminate");
  if (failed !== undefined) {
    const what = failed.kind === "document-timestamp" ? "Document timestamp" : "Signature";
    return {
      ...base,
      allValid: false,
      verdict: failed.verdict,
      exitCode: 1,
      reason: `${what} "${failed.fieldName}": ${failed.reason}`,
    };
  }
  const count = signatureCount === 1 ? "The signature is" : `All ${signatureCount} signatures are`;
  const timestamps =
    documentTimestampCount === 0
      ? ""
      : documentTimestampCount === 1
        ? " and so is the document timestamp"
        : ` and so are the ${documentTimestampCount} document timestamps`;
  const trust = anchorsGiven
    ? ", and the signers are trusted"
    : " (signers were not checked against trusted certificates)";
  return { ...base, allValid: true, verdict: "valid", exitCode: 0, reason: `${count} valid${timestamps}${trust}.` };
}
