/**
 * The cryptographic checks of a signature (adbe.pkcs7.detached, ETSI.CAdES.detached)
 * through lib/cms: digest over the byte ranges, signature, signer and chain, trust,
 * validity at the signing time, PAdES attributes, signature timestamp.
 */
import { isSignetError } from "@/lib/engine/errors";
import { verifyCmsSignature, type CmsVerification } from "@/lib/engine/verify/verify-cms-signature";
import { parseSignedData } from "@/lib/engine/cms/parse-signed-data";
import { describeSignatureAlgorithm } from "@/lib/engine/cms/signature-algorithm";
import { HASH_ALGORITHMS } from "@/lib/engine/crypto/hash";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { definiteLengths } from "@/lib/engine/verify/ber-to-der";
import type { FourNumbers } from "@/lib/engine/verify/byte-range-check";
import { certificateReport, isoTime, trustStatus } from "@/lib/engine/verify/certificate-report";
import { unreadableFindings, type CryptoFindings } from "@/lib/engine/verify/crypto-findings";
import { sha256Hex, withoutPadding } from "@/lib/engine/verify/der-length";
import type { VerificationContext } from "@/lib/engine/verify/verification-context";

/** SubFilters whose /Contents is not a detached CMS over the byte ranges. */
const UNSUPPORTED_SUBFILTERS = new Set(["adbe.x509.rsa_sha1", "adbe.pkcs7.sha1"]);

export interface CmsSignatureInput {
  contents: Uint8Array;
  subFilter?: string;
  claimedSigningTime?: Date;
  /** Undefined when the byte range cannot be hashed: integrity then fails. */
  range?: FourNumbers;
}

export async function checkCmsSignature(
  input: CmsSignatureInput,
  context: VerificationContext,
): Promise<CryptoFindings> {
  const der = withoutPadding(input.contents);
  const cmsSha256 = sha256Hex(der);
  if (input.subFilter !== undefined && UNSUPPORTED_SUBFILTERS.has(input.subFilter)) {
    return unreadableFindings(`Signatures of the format ${input.subFilter} are not supported.`, {
      unsupported: true,
      cmsSha256,
    });
  }
  const range = input.range;
  let result: CmsVerification;
  try {
    result = await verifyCmsSignature({
      cms: definiteLengths(input.contents),
      contentDigest: (hash: HashAlgorithm) => (range ? context.digester.digest(range, hash) : new Uint8Array(0)),
      trustAnchors: context.anchors,
      intermediates: context.intermediates,
      claimedSigningTime: input.claimedSigningTime ?? context.now,
      subFilter: input.subFilter,
    });
  } catch (error) {
    if (isSignetError(error))
      return unreadableFindings("The signature data cannot be read.", {
        unsupported: false,
        cmsSha256,
        problems: [error.message],
      });
    return unreadableFindings("The signature could not be checked.", {
      unsupported: true,
      cmsSha256,
      problems: [`Internal error: ${String(error)}`],
    });
  }
  return findingsOf(result, { ...input, contents: definiteLengths(input.contents) }, context, cmsSha256);
}

function findingsOf(
  result: CmsVerification,
  input: CmsSignatureInput,
  context: VerificationContext,
  cmsSha256: string,
): CryptoFindings {
  const anchorsGiven = context.anchors.length > 0;
  const digestSupported = (HASH_ALGORITHMS as readonly string[]).includes(result.digestAlgorithm);
  const algorithmSupported = describeSignatureAlgorithm(result.signatureAlgorithm) !== undefined;
  const findings: CryptoFindings = {
    integrity: {
      checked: input.range !== undefined && result.signer !== undefined,
      digestAlgorithm: result.digestAlgorithm,
      digestMatches: result.messageDigestMatches,
      signatureValid: result.signatureValid,
      signatureAlgorithm: result.signatureAlgorithm,
      intact: result.intact,
    },
    signerFound: result.signer !== undefined,
    signer: result.signer ? certificateReport(result.signer) : undefined,
    chain: {
      trust: trustStatus(result.chain.trust, anchorsGiven),
      certificates: result.chain.certificates.map(certificateReport),
      problems: result.chain.problems,
    },
    path: pathCertificates(result, input.contents, context),
    signingTime: {
      time: isoTime(result.signingTime.time),
      source:
        result.signingTime.source === "claimed" && input.claimedSigningTime === undefined
          ? "verification-time"
          : result.signingTime.source,
    },
    certificateValidAtSigningTime: result.certificateValidAtSigningTime,
    attributes: {
      contentType: result.attributes.contentType,
      signingCertificateV2: result.attributes.signingCertificateV2,
      signingTime: result.attributes.signingTime,
      signingTimeValue: isoTime(result.attributes.signingTimeValue),
    },
    timestamp: result.timestamp && {
      valid: result.timestamp.valid,
      time: isoTime(result.timestamp.genTime),
      tsa: result.timestamp.tsa ? certificateReport(result.timestamp.tsa) : undefined,
      trust: trustStatus(result.timestamp.trust, anchorsGiven),
      imprintMatches: result.timestamp.imprintMatches,
      signatureValid: result.timestamp.signatureValid,
      problems: result.timestamp.problems,
    },
    padesHint: result.padesLevel,
    padesProblems: result.padesProblems,
    problems: result.problems,
    cmsSha256,
  };
  if (result.signer !== undefined && (!digestSupported || !algorithmSupported)) {
    findings.unreadable = {
      unsupported: true,
      reason: `The signature uses an unsupported algorithm (${digestSupported ? result.signatureAlgorithm : result.digestAlgorithm}).`,
    };
  }
  return findings;
}

/** lib/cms reports the chain as summaries; LTV needs the certificates themselves. */
function pathCertificates(result: CmsVerification, cms: Uint8Array, context: VerificationContext): Certificate[] {
  let embedded: Certificate[] = [];
  try {
    embedded = parseSignedData(cms).certificates;
  } catch {
    embedded = [];
  }
  const pool = new Map<string, Certificate>();
  for (const certificate of [...embedded, ...context.intermediates, ...context.anchors])
    pool.set(certificate.fingerprintSha256, certificate);
  const path: Certificate[] = [];
  for (const summary of result.chain.certificates) {
    const certificate = pool.get(summary.fingerprintSha256);
    if (certificate === undefined) break;
    path.push(certificate);
  }
  return path;
}
