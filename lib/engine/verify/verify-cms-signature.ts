/**
 * Verifies the CMS of a PDF signature and reports what was found, for lib/verify:
 * integrity (message digest, signature), the signer and its chain, trust against
 * given anchors, validity at the signing time (timestamp time, else the claimed
 * /M time), the PAdES attributes, and the signature timestamp.
 *
 * Integrity failures are results, not exceptions; only unreadable input throws
 * (CmsError 'cms.malformed').
 */
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { Tag, decodeOid, decodeTime } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { certificatesOf, type CertificateInput } from "@/lib/engine/verify/certificate-inputs";
import { summarizeCertificate, type CertificateSummary } from "@/lib/engine/pki/certificate-summary";
import { buildCertificationPath, type Trust } from "@/lib/engine/pki/certification-path";
import { OID } from "@/lib/engine/asn1/oids";
import { checkTimestampToken } from "@/lib/engine/tsa/check-timestamp-token";
import { CmsError } from "@/lib/engine/cms/cms-errors";
import {
  findAttribute,
  findSignerCertificate,
  parseSignedData,
  type ParsedSignerInfo,
} from "@/lib/engine/cms/parse-signed-data";
import { verifySignerInfo, type SignerInfoCheck } from "@/lib/engine/cms/verify-signer-info";
import { matchSigningCertificateV2 } from "@/lib/engine/cms/signing-certificate-v2";

export type ContentDigestSource =
  | { hash: HashAlgorithm; digest: Uint8Array }
  /** Digest of the signed bytes (the byte ranges) with the algorithm the signature uses. */
  | ((hash: HashAlgorithm) => Uint8Array | Promise<Uint8Array>);

export interface CmsVerificationRequest {
  cms: Uint8Array;
  contentDigest: ContentDigestSource;
  /** Trust anchors (root certificates); without them nothing is "trusted". */
  trustAnchors?: readonly CertificateInput[];
  /** Extra intermediates besides those embedded in the signature (and, later, the DSS). */
  intermediates?: readonly CertificateInput[];
  /** The signing time the PDF claims (/M), used when there is no timestamp. */
  claimedSigningTime?: Date;
  /** /SubFilter of the signature dictionary, for the PAdES level hint. */
  subFilter?: string;
}

export type PadesLevelHint = "B-B" | "B-T" | "not PAdES";

export interface TimestampReport {
  valid: boolean;
  genTime?: Date;
  tsa?: CertificateSummary;
  imprintMatches: boolean;
  signatureValid: boolean;
  trust: Trust;
  problems: string[];
}

export interface CmsVerification {
  /** Message digest matches and the signature verifies. */
  intact: boolean;
  digestAlgorithm: HashAlgorithm | string;
  messageDigestMatches: boolean;
  signatureValid: boolean;
  signatureAlgorithm: string;
  signer?: CertificateSummary;
  chain: { trust: Trust; certificates: CertificateSummary[]; problems: string[] };
  signingTime: { time?: Date; source: "timestamp" | "claimed" | "none" };
  /** Every certificate of the signer's path was valid at the signing time. */
  certificateValidAtSigningTime?: boolean;
  attributes: {
    contentType: "id-data" | "other" | "absent";
    signingCertificateV2: "match" | "mismatch" | "absent";
    /** signing-time is present (not allowed in PAdES baseline). */
    signingTime: boolean;
    signingTimeValue?: Date;
  };
  timestamp?: TimestampReport;
  padesLevel: PadesLevelHint;
  /** Why the signature is not PAdES baseline (or not the level it looks like). */
  padesProblems: string[];
  problems: string[];
}

export async function verifyCmsSignature(request: CmsVerificationRequest): Promise<CmsVerification> {
  const signedData = parseSignedData(request.cms);
  if (signedData.signerInfos.length !== 1) {
    throw new CmsError(
      "cms.malformed",
      `A PDF signature must have exactly one signer; this one has ${signedData.signerInfos.length}.`,
    );
  }
  const signerInfo = signedData.signerInfos[0] as ParsedSignerInfo;
  const problems: string[] = [];
  const anchors = certificatesOf(request.trustAnchors);
  const intermediates = [...signedData.certificates, ...certificatesOf(request.intermediates)];
  const signerCertificate = findSignerCertificate(signerInfo, intermediates);

  const digests = new Map<HashAlgorithm, Uint8Array>();
  const contentDigestFor = async (hash: HashAlgorithm): Promise<Uint8Array> => {
    const source = request.contentDigest;
    if (typeof source === "function") return source(hash);
    if (source.hash !== hash)
      throw new CmsError("cms.bad_digest", `The signature uses ${hash}, but a ${source.hash} digest was given.`);
    return source.digest;
  };

  // Integrity
  let check: SignerInfoCheck = {
    digestAlgorithmOid: signerInfo.digestAlgorithm,
    messageDigestMatches: false,
    signatureValid: false,
    problems: [],
  };
  if (!signerCertificate) {
    problems.push("The signer's certificate is not embedded in the signature.");
  } else {
    const hash = hashOfSignerInfo(signerInfo.digestAlgorithm);
    if (hash) digests.set(hash, await contentDigestFor(hash));
    check = verifySignerInfo(signerInfo, signerCertificate, (h) => digests.get(h) ?? new Uint8Array(0));
    problems.push(...check.problems);
  }

  // Attributes
  const signed = signerInfo.signedAttributes;
  const contentTypeValue = findAttribute(signed, OID.contentType)?.values[0];
  const contentType = !contentTypeValue
    ? "absent"
    : contentTypeValue.tag === Tag.OID && decodeOid(contentTypeValue) === OID.data
      ? "id-data"
      : "other";
  const signingTimeAttr = findAttribute(signed, OID.signingTime)?.values[0];
  let signingTimeValue: Date | undefined;
  try {
    signingTimeValue = signingTimeAttr ? decodeTime(signingTimeAttr) : undefined;
  } catch {
    signingTimeValue = undefined;
  }
  const scv2 = findAttribute(signed, OID.signingCertificateV2)?.values[0];
  let signingCertificateV2: CmsVerification["attributes"]["signingCertificateV2"] = "absent";
  if (scv2 && signerCertificate) {
    try {
      const match = matchSigningCertificateV2(scv2.der, signerCertificate);
      signingCertificateV2 = match.hashMatches && match.issuerSerialMatches !== false ? "match" : "mismatch";
    } catch {
      signingCertificateV2 = "mismatch";
    }
  } else if (scv2) {
    signingCertificateV2 = "mismatch";
  }
  if (signingCertificateV2 === "mismatch")
    problems.push("The signing-certificate-v2 attribute does not identify the signer's certificate.");

  // Timestamp
  const tokenValue = findAttribute(signerInfo.unsignedAttributes, OID.signatureTimeStampToken)?.values[0];
  const timestamp = tokenValue
    ? reportTimestamp(tokenValue.der, signerInfo.signature, { anchors, intermediates })
    : undefined;
  if (timestamp && !timestamp.valid) problems.push(...timestamp.problems);

  // Signing time and certificate path
  const signingTime =
    timestamp?.valid && timestamp.genTime
      ? { time: timestamp.genTime, source: "timestamp" as const }
      : request.claimedSigningTime
        ? { time: request.claimedSigningTime, source: "claimed" as const }
        : { source: "none" as const };
  const path = signerCertificate
    ? buildCertificationPath(signerCertificate, { intermediates, anchors, at: signingTime.time })
    : { trust: "untrusted" as const, path: [], problems: [], validAt: undefined };
  problems.push(...path.problems);

  // PAdES level hint
  const padesProblems: string[] = [];
  if (request.subFilter !== undefined && request.subFilter !== "ETSI.CAdES.detached") {
    padesProblems.push(`The signature's SubFilter is ${request.subFilter}, not ETSI.CAdES.detached.`);
  }
  if (signingCertificateV2 !== "match") padesProblems.push("The signing-certificate-v2 attribute is missing or wrong.");
  if (signingTimeAttr)
    padesProblems.push("The signing-time attribute is present (PAdES baseline puts the time in /M).");
  if (contentType !== "id-data") padesProblems.push("The content-type attribute is not id-data.");
  if (signedData.content) padesProblems.push("The signed content is embedded; PAdES signatures are detached.");
  const padesLevel: PadesLevelHint = padesProblems.length ? "not PAdES" : timestamp?.valid ? "B-T" : "B-B";

  return {
    intact: check.messageDigestMatches && check.signatureValid,
    digestAlgorithm: check.hash ?? signerInfo.digestAlgorithm,
    messageDigestMatches: check.messageDigestMatches,
    signatureValid: check.signatureValid,
    signatureAlgorithm: signerInfo.signatureAlgorithm,
    signer: signerCertificate ? summarizeCertificate(signerCertificate) : undefined,
    chain: { trust: path.trust, certificates: path.path.map(summarizeCertificate), problems: path.problems },
    signingTime,
    certificateValidAtSigningTime: path.validAt,
    attributes: { contentType, signingCertificateV2, signingTime: !!signingTimeAttr, signingTimeValue },
    timestamp,
    padesLevel,
    padesProblems,
    problems,
  };
}

function hashOfSignerInfo(oid: string): HashAlgorithm | undefined {
  return oid === OID.sha256 ? "SHA-256" : oid === OID.sha384 ? "SHA-384" : oid === OID.sha512 ? "SHA-512" : undefined;
}

function reportTimestamp(
  token: Uint8Array,
  signatureValue: Uint8Array,
  context: { anchors: Certificate[]; intermediates: Certificate[] },
): TimestampReport {
  try {
    const check = checkTimestampToken(token, {
      timestampedData: signatureValue,
      extraCertificates: context.intermediates,
    });
    const path = check.tsaCertificate
      ? buildCertificationPath(check.tsaCertificate, {
          intermediates: [...check.certificates, ...context.intermediates],
          anchors: context.anchors,
          at: check.tstInfo.genTime,
        })
      : undefined;
    return {
      valid: check.valid,
      genTime: check.tstInfo.genTime,
      tsa: check.tsaCertificate ? summarizeCertificate(check.tsaCertificate) : undefined,
      imprintMatches: check.imprintMatches ?? false,
      signatureValid: check.signatureValid,
      trust: path?.trust ?? "untrusted",
      problems: [...check.problems, ...(path?.problems ?? []).map((p) => `Timestamp authority: ${p}`)],
    };
  } catch (error) {
    if (!(error instanceof CmsError)) throw error;
    return {
      valid: false,
      imprintMatches: false,
      signatureValid: false,
      trust: "untrusted",
      problems: ["The signature timestamp token cannot be read."],
    };
  }
}
