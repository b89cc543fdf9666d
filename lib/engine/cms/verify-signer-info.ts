/**
 * Checks one SignerInfo against its certificate: the message-digest attribute
 * against the digest of the signed content, and the signature over the signed
 * attributes re-tagged as a SET (0x31), as RFC 5652 5.4 requires.
 */
import { OID } from "@/lib/engine/asn1/oids";
import { Tag, bytesEqual } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { hashFromOid } from "@/lib/engine/crypto/hash";
import { keyAlgorithmOf, publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { verifySignature } from "@/lib/engine/crypto/verify-signature";
import { findAttribute, type ParsedSignerInfo } from "@/lib/engine/cms/parse-signed-data";
import { describeSignatureAlgorithm } from "@/lib/engine/cms/signature-algorithm";

export interface SignerInfoCheck {
  /** Digest algorithm of the SignerInfo; undefined when unsupported (e.g. SHA-1, MD5). */
  hash?: HashAlgorithm;
  digestAlgorithmOid: string;
  messageDigestMatches: boolean;
  signatureValid: boolean;
  /** Why a check failed, in words for a report. */
  problems: string[];
}

/** `contentDigest(hash)` gives the digest of the signed content with the SignerInfo's hash algorithm. */
export function verifySignerInfo(
  signerInfo: ParsedSignerInfo,
  certificate: Certificate,
  contentDigest: (hash: HashAlgorithm) => Uint8Array,
): SignerInfoCheck {
  const problems: string[] = [];
  const hash = hashFromOid(signerInfo.digestAlgorithm);
  const result: SignerInfoCheck = {
    hash,
    digestAlgorithmOid: signerInfo.digestAlgorithm,
    messageDigestMatches: false,
    signatureValid: false,
    problems,
  };
  if (!hash) {
    problems.push(
      `The digest algorithm ${signerInfo.digestAlgorithm} is not supported (only SHA-256, SHA-384 and SHA-512 are).`,
    );
    return result;
  }
  if (!signerInfo.signedAttributesDer) {
    problems.push("The signature has no signed attributes, which PDF signatures require.");
    return result;
  }

  const messageDigest = findAttribute(signerInfo.signedAttributes, OID.messageDigest)?.values[0];
  if (!messageDigest || messageDigest.tag !== Tag.OCTET_STRING) {
    problems.push("The message-digest attribute is missing.");
  } else {
    result.messageDigestMatches = bytesEqual(messageDigest.content, contentDigest(hash));
    if (!result.messageDigestMatches)
      problems.push("The signed content does not match the digest in the signature (the content was changed).");
  }

  const algorithm = describeSignatureAlgorithm(signerInfo.signatureAlgorithm);
  let keyKind: "RSA" | "EC" | undefined;
  try {
    keyKind = keyAlgorithmOf(publicKeyFromSpki(certificate.spki)).kind;
  } catch {
    keyKind = undefined;
  }
  if (!algorithm || !keyKind) {
    problems.push(`The signature algorithm ${signerInfo.signatureAlgorithm} is not supported.`);
    return result;
  }
  if (algorithm.kind !== keyKind) {
    problems.push("The signature algorithm does not match the signer certificate's key type.");
    return result;
  }
  const message = signerInfo.signedAttributesDer.slice();
  message[0] = Tag.SET;
  result.signatureValid = verifySignature({
    publicKey: publicKeyFromSpki(certificate.spki),
    message,
    signature: signerInfo.signature,
    hash: algorithm.hash ?? hash,
  });
  if (!result.signatureValid)
    problems.push("The signature value does not verify with the signer certificate's public key.");
  return result;
}
