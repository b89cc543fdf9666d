/**
 * The signed attributes of a PAdES baseline signature: content-type (id-data),
 * message-digest, signing-certificate-v2, and deliberately no signing-time (the
 * time goes into the PDF's /M; EU DSS flags signing-time as a baseline violation).
 *
 * They are DER-sorted (SET OF ordering by encoding) and signed as a SET (tag
 * 0x31); inside SignerInfo the same bytes carry the [0] IMPLICIT tag (0xA0).
 */
import { octetString, oid, sequence, setOf } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { signingCertificateV2 } from "@/lib/engine/cms/signing-certificate-v2";

export interface SignedAttributes {
  /** DER as a SET (tag 0x31): the bytes that are hashed and signed. */
  readonly signedBytes: Uint8Array;
  /** The same with the [0] IMPLICIT tag, as embedded in SignerInfo. */
  readonly embeddedBytes: Uint8Array;
}

export function attribute(type: string, ...values: readonly Uint8Array[]): Uint8Array {
  return sequence(oid(type), setOf(values));
}

export function buildSignedAttributes(params: {
  contentDigest: Uint8Array;
  signer: Certificate;
  hash: HashAlgorithm;
}): SignedAttributes {
  const signedBytes = setOf([
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octetString(params.contentDigest)),
    attribute(OID.signingCertificateV2, signingCertificateV2(params.signer, params.hash)),
  ]);
  const embeddedBytes = signedBytes.slice();
  embeddedBytes[0] = 0xa0;
  return { signedBytes, embeddedBytes };
}

/** unsignedAttrs [1] IMPLICIT SET OF Attribute. */
export function unsignedAttributes(attributes: readonly Uint8Array[]): Uint8Array {
  const set = setOf(attributes);
  set[0] = 0xa1;
  return set;
}
