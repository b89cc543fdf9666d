/**
 * The cryptographic checks of a document timestamp (/Type /DocTimeStamp,
 * /SubFilter /ETSI.RFC3161): /Contents is an RFC 3161 TimeStampToken whose
 * message imprint is the digest of the byte ranges. The TSA certificate plays
 * the signer's part: its chain, trust and validity at the timestamp's time.
 */
import { isSignetError } from "@/lib/engine/errors";
import { checkTimestampToken, type TimestampTokenCheck } from "@/lib/engine/tsa/check-timestamp-token";
import { buildCertificationPath } from "@/lib/engine/pki/certification-path";
import { summarizeCertificate } from "@/lib/engine/pki/certificate-summary";
import { bytesEqual } from "@/lib/engine/asn1/der";
import { definiteLengths } from "@/lib/engine/verify/ber-to-der";
import type { FourNumbers } from "@/lib/engine/verify/byte-range-check";
import { certificateReport, isoTime, trustStatus } from "@/lib/engine/verify/certificate-report";
import { unreadableFindings, type CryptoFindings } from "@/lib/engine/verify/crypto-findings";
import { sha256Hex, withoutPadding } from "@/lib/engine/verify/der-length";
import type { VerificationContext } from "@/lib/engine/verify/verification-context";

export function checkDocumentTimestamp(
  input: { contents: Uint8Array; range?: FourNumbers },
  context: VerificationContext,
): CryptoFindings {
  const cmsSha256 = sha256Hex(withoutPadding(input.contents));
  let check: TimestampTokenCheck;
  try {
    check = checkTimestampToken(definiteLengths(input.contents), { extraCertificates: context.intermediates });
  } catch (error) {
    if (isSignetError(error))
      return unreadableFindings("The document timestamp cannot be read.", {
        unsupported: false,
        cmsSha256,
        problems: [error.message],
      });
    return unreadableFindings("The document timestamp could not be checked.", {
      unsupported: true,
      cmsSha256,
      problems: [`Internal error: ${String(error)}`],
    });
  }
  const problems = [...check.problems];
  if (check.imprintHash === undefined) {
    return unreadableFindings(`The document timestamp uses an unsupported hash (${check.tstInfo.imprintAlgorithm}).`, {
      unsupported: true,
      cmsSha256,
    });
  }
  const imprintMatches =
    input.range !== undefined &&
    bytesEqual(check.tstInfo.imprint, context.digester.digest(input.range, check.imprintHash));
  if (!imprintMatches) problems.push("The document timestamp does not match the document (message imprint mismatch).");
  const signatureValid = check.signatureValid && check.timeStampingPurpose && check.signingCertificateMatches;

  const anchorsGiven = context.anchors.length > 0;
  const genTime = check.tstInfo.genTime;
  const path = check.tsaCertificate
    ? buildCertificationPath(check.tsaCertificate, {
        intermediates: [...check.certificates, ...context.intermediates],
        anchors: context.anchors,
        at: genTime,
      })
    : undefined;
  problems.push(...(path?.problems ?? []));
  const tsa = check.tsaCertificate ? certificateReport(summarizeCertificate(check.tsaCertificate)) : undefined;
  const trust = trustStatus(path?.trust ?? "untrusted", anchorsGiven);
  const chainCertificates = (path?.path ?? []).map((c) => certificateReport(summarizeCertificate(c)));
  return {
    integrity: {
      checked: input.range !== undefined && check.tsaCertificate !== undefined,
      digestAlgorithm: check.imprintHash,
      digestMatches: imprintMatches,
      signatureValid,
      intact: imprintMatches && signatureValid,
    },
    signerFound: check.tsaCertificate !== undefined,
    signer: tsa,
    chain: { trust, certificates: chainCertificates, problems: path?.problems ?? [] },
    path: path?.path ?? [],
    signingTime: { time: isoTime(genTime), source: "timestamp" },
    certificateValidAtSigningTime: path?.validAt,
    timestamp: {
      valid: imprintMatches && check.valid,
      time: isoTime(genTime),
      tsa,
      trust,
      imprintMatches,
      signatureValid,
      problems: check.problems,
    },
    padesHint: "not PAdES",
    padesProblems: [],
    problems,
    cmsSha256,
  };
}
