/**
 * The verdict on one signature or document timestamp, and its one-line reason.
 * The first rule that applies decides, most serious first:
 *   invalid        the bytes or the signature are wrong, or the document was changed after it;
 *   indeterminate  nothing is proven wrong, but validity cannot be established
 *                  (unsupported format, missing certificate, untrusted signer,
 *                  certificate outside its validity at a time that is only claimed, revoked);
 *   valid          everything checked holds (trust only when anchors were given).
 * A certificate outside its validity at a time proven by a timestamp is invalid.
 */
import type { CryptoFindings } from "@/lib/engine/verify/crypto-findings";
import type {
  ByteRangeReport,
  ChangesAfterReport,
  PadesReport,
  SignatureKind,
  Verdict,
} from "@/lib/engine/verify/verification-report";

export interface VerdictInput {
  kind: SignatureKind;
  byteRange: ByteRangeReport;
  findings: CryptoFindings;
  changesAfter: ChangesAfterReport;
  pades?: PadesReport;
  anchorsGiven: boolean;
}

export function signatureVerdict(input: VerdictInput): { verdict: Verdict; reason: string } {
  const { findings, kind } = input;
  const sealed = kind === "document-timestamp" ? "timestamped" : "sealed";
  const invalid = (reason: string) => ({ verdict: "invalid" as const, reason });
  const indeterminate = (reason: string) => ({ verdict: "indeterminate" as const, reason });

  if (!input.byteRange.sane)
    return invalid(
      `The signature's byte range is malformed: ${lowerFirst(input.byteRange.problems[0] ?? "it is not usable.")}`,
    );
  if (findings.unreadable)
    return findings.unreadable.unsupported
      ? indeterminate(findings.unreadable.reason)
      : invalid(findings.unreadable.reason);
  if (!findings.signerFound) {
    return indeterminate(
      kind === "document-timestamp"
        ? "The timestamp authority's certificate is not in the timestamp."
        : "The signer's certificate is not in the signature.",
    );
  }
  if (!findings.integrity.digestMatches) {
    return invalid(
      kind === "document-timestamp"
        ? "The document timestamp does not match the document."
        : "The signature does not match the document.",
    );
  }
  if (!findings.integrity.signatureValid) {
    return invalid(
      kind === "document-timestamp"
        ? "The timestamp authority's signature on the timestamp does not verify."
        : "The signature value does not verify with the signer's certificate.",
    );
  }
  if (findings.attributes?.signingCertificateV2 === "mismatch")
    return invalid("The signature names a different certificate than the one that signed it.");
  if (kind === "signature" && findings.timestamp && !findings.timestamp.valid)
    return invalid("The signature's timestamp is not valid.");
  if (input.changesAfter.status === "modified") return invalid(`The document was changed after it was ${sealed}.`);

  if (findings.certificateValidAtSigningTime === false) {
    const holder = kind === "document-timestamp" ? "The timestamp authority's certificate" : "The signer's certificate";
    const reason = `${holder} was not valid at ${kind === "document-timestamp" ? "the time of the timestamp" : "signing time"}.`;
    return findings.signingTime.source === "timestamp" ? invalid(reason) : indeterminate(reason);
  }
  const revocation = input.pades?.ltv?.revocation ?? [];
  const revoked = revocation.findIndex(
    (r) => r.status === "revoked" && revokedBeforeSigning(r.revocationTime, findings),
  );
  if (revoked >= 0)
    return indeterminate(
      revoked === 0 ? "The signer's certificate was revoked." : "A certificate in the signer's chain was revoked.",
    );
  if (input.anchorsGiven) {
    const trust = findings.chain.trust;
    if (trust === "self-signed")
      return indeterminate(
        kind === "document-timestamp"
          ? "The timestamp authority's certificate is self-signed and not trusted."
          : "The signer's certificate is self-signed and not trusted.",
      );
    if (trust !== "trusted")
      return indeterminate(
        kind === "document-timestamp"
          ? "The timestamp authority is not trusted."
          : "The signer's certificate is not trusted.",
      );
    if (kind === "signature" && findings.timestamp && findings.timestamp.trust !== "trusted")
      return indeterminate("The signature's timestamp authority is not trusted.");
  }
  if (kind === "document-timestamp")
    return {
      verdict: "valid",
      reason: input.anchorsGiven
        ? "The document timestamp is valid and its authority is trusted."
        : "The document timestamp is valid.",
    };
  return {
    verdict: "valid",
    reason: input.anchorsGiven
      ? "The signature is valid and the signer is trusted."
      : "The signature is valid (the signer was not checked against trusted certificates).",
  };
}

/** Revocation counts unless a timestamp proves the signature was made before it. */
function revokedBeforeSigning(revocationTime: string | undefined, findings: CryptoFindings): boolean {
  if (
    revocationTime === undefined ||
    findings.signingTime.source !== "timestamp" ||
    findings.signingTime.time === undefined
  )
    return true;
  return Date.parse(revocationTime) <= Date.parse(findings.signingTime.time);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
