/**
 * Checks an RFC 3161 timestamp token: the TSA's CMS signature over the TSTInfo,
 * the TSA certificate (timeStamping purpose, ESSCertID/ESSCertIDv2 binding), and,
 * when expected values are given, the message imprint and the nonce.
 * Chain trust of the TSA certificate is the verifier's business (lib/pki chain).
 */
import { createHash } from "node:crypto";
import { Tag, bytesEqual, decodeOid, expectTag, readChildren } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digest, hashFromOid } from "@/lib/engine/crypto/hash";
import { CmsError } from "@/lib/engine/cms/cms-errors";
import {
  findAttribute,
  findSignerCertificate,
  parseSignedData,
  type ParsedAttribute,
  type ParsedSignerInfo,
} from "@/lib/engine/cms/parse-signed-data";
import { verifySignerInfo } from "@/lib/engine/cms/verify-signer-info";
import { matchSigningCertificateV2 } from "@/lib/engine/cms/signing-certificate-v2";
import { decodeTstInfo, stripZeros, type TstInfo } from "@/lib/engine/tsa/tst-info";

export interface TimestampTokenCheck {
  tstInfo: TstInfo;
  imprintHash?: HashAlgorithm;
  tsaCertificate?: Certificate;
  /** Certificates embedded in the token. */
  certificates: Certificate[];
  signatureValid: boolean;
  /** The TSA certificate's EKU includes id-kp-timeStamping. */
  timeStampingPurpose: boolean;
  /** ESSCertID(v2) in the token names the TSA certificate. */
  signingCertificateMatches: boolean;
  /** Only when an expected imprint was given. */
  imprintMatches?: boolean;
  /** Only when an expected nonce was given. */
  nonceMatches?: boolean;
  problems: string[];
  valid: boolean;
}

export interface TimestampExpectations {
  /** The data that was timestamped (e.g. the SignerInfo signature value); its hash is compared with the imprint. */
  timestampedData?: Uint8Array;
  /** Or directly the expected imprint, with its hash. */
  imprint?: { digest: Uint8Array; hash: HashAlgorithm };
  nonce?: Uint8Array;
  /** Certificates to look for the TSA certificate in, besides the token's own. */
  extraCertificates?: readonly Certificate[];
}

/** Throws CmsError 'cms.malformed' when the token cannot be read at all. */
export function checkTimestampToken(token: Uint8Array, expected: TimestampExpectations = {}): TimestampTokenCheck {
  const signedData = parseSignedData(token);
  if (signedData.contentType !== OID.tstInfo || !signedData.content || signedData.signerInfos.length !== 1) {
    throw new CmsError("cms.malformed", "The timestamp token is not an RFC 3161 TimeStampToken.");
  }
  let tstInfo: TstInfo;
  try {
    tstInfo = decodeTstInfo(signedData.content);
  } catch (cause) {
    throw new CmsError("cms.malformed", "The timestamp token's TSTInfo cannot be read.", { cause });
  }
  const content = signedData.content;
  const signerInfo = signedData.signerInfos[0] as ParsedSignerInfo;
  const problems: string[] = [];
  const imprintHash = hashFromOid(tstInfo.imprintAlgorithm);
  const tsaCertificate = findSignerCertificate(signerInfo, [
    ...signedData.certificates,
    ...(expected.extraCertificates ?? []),
  ]);
  const result: TimestampTokenCheck = {
    tstInfo,
    imprintHash,
    tsaCertificate,
    certificates: signedData.certificates,
    signatureValid: false,
    timeStampingPurpose: false,
    signingCertificateMatches: false,
    problems,
    valid: false,
  };

  const contentType = findAttribute(signerInfo.signedAttributes, OID.contentType)?.values[0];
  if (!contentType || contentType.tag !== Tag.OID || decodeOid(contentType) !== OID.tstInfo) {
    problems.push("The timestamp token's content-type attribute is not id-ct-TSTInfo.");
  }

  if (!tsaCertificate) {
    problems.push("The timestamp authority's certificate is not in the token.");
  } else {
    const check = verifySignerInfo(signerInfo, tsaCertificate, (hash) => digest(hash, content));
    result.signatureValid = check.messageDigestMatches && check.signatureValid;
    problems.push(...check.problems.map((p) => `Timestamp: ${p}`));
    result.timeStampingPurpose = tsaCertificate.extendedKeyUsage?.includes(OID.timeStamping) ?? false;
    if (!result.timeStampingPurpose)
      problems.push("The timestamp authority's certificate is not issued for timestamping.");
    result.signingCertificateMatches = signingCertificateMatches(signerInfo.signedAttributes, tsaCertificate);
    if (!result.signingCertificateMatches)
      problems.push("The timestamp token does not identify its signing certificate correctly.");
  }

  const expectedImprint =
    expected.imprint ??
    (expected.timestampedData && imprintHash
      ? { digest: digest(imprintHash, expected.timestampedData), hash: imprintHash }
      : undefined);
  if (expected.timestampedData && !imprintHash)
    problems.push(`The timestamp uses an unsupported hash (${tstInfo.imprintAlgorithm}).`);
  if (expectedImprint) {
    result.imprintMatches = imprintHash === expectedImprint.hash && bytesEqual(tstInfo.imprint, expectedImprint.digest);
    if (!result.imprintMatches) problems.push("The timestamp is not over this signature (message imprint mismatch).");
  }
  if (expected.nonce) {
    result.nonceMatches = !!tstInfo.nonce && bytesEqual(tstInfo.nonce, stripZeros(expected.nonce));
    if (!result.nonceMatches) problems.push("The timestamp response does not answer our request (nonce mismatch).");
  }
  result.valid = problems.length === 0;
  return result;
}

function signingCertificateMatches(attributes: readonly ParsedAttribute[], cert: Certificate): boolean {
  try {
    const v2 = findAttribute(attributes, OID.signingCertificateV2)?.values[0];
    if (v2) {
      const match = matchSigningCertificateV2(v2.der, cert);
      return match.hashMatches && match.issuerSerialMatches !== false;
    }
    const v1 = findAttribute(attributes, OID.signingCertificate)?.values[0];
    if (!v1) return false;
    // SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID { certHash OCTET STRING (SHA-1), issuerSerial OPTIONAL } }
    const [certs] = readChildren(expectTag(v1, Tag.SEQUENCE, "SigningCertificate"));
    const [first] = readChildren(expectTag(certs, Tag.SEQUENCE, "certs"));
    const [certHash] = readChildren(expectTag(first, Tag.SEQUENCE, "ESSCertID"));
    const sha1 = new Uint8Array(createHash("sha1").update(cert.der).digest());
    return bytesEqual(expectTag(certHash, Tag.OCTET_STRING, "certHash").content, sha1);
  } catch {
    return false;
  }
}
