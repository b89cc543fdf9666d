/**
 * PKCS#10 certification requests (RFC 2986) as DER. Building only: the caller
 * has the signature made over `certificationRequestInfo(...)` by whatever holds
 * the key, and assembles the request with `certificationRequest(...)`.
 */
import {
  Tag,
  compareBytes,
  concatBytes,
  contextConstructed,
  oid,
  sequence,
  setOf,
  smallInteger,
  tlv,
} from "@/lib/engine/asn1/der";
import { writePemBlock } from "@/lib/engine/pki/pem";

/** PKCS#9 extensionRequest: the extensions the requester asks the CA to include. */
export const EXTENSION_REQUEST_OID = "1.2.840.113549.1.9.14";

export interface CertificationRequestInfoInput {
  /** DER Name (see encode-name.ts). */
  readonly subject: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** DER Extensions to request (see encode-extensions.ts); none → no extensionRequest attribute. */
  readonly extensions?: readonly Uint8Array[];
}

/** CertificationRequestInfo: version 0, subject, key, attributes [0] (present, possibly empty). */
export function certificationRequestInfo(input: CertificationRequestInfoInput): Uint8Array {
  const attributes: Uint8Array[] = [];
  if (input.extensions?.length)
    attributes.push(sequence(oid(EXTENSION_REQUEST_OID), setOf([sequence(...input.extensions)])));
  // [0] IMPLICIT SET OF Attribute: DER orders the members like any SET OF.
  const sorted = [...attributes].sort(compareBytes);
  return sequence(smallInteger(0), input.subject, input.spki, contextConstructed(0, ...sorted));
}

/** CertificationRequest: the info, the signature algorithm (AlgorithmIdentifier DER) and the signature. */
export function certificationRequest(
  info: Uint8Array,
  signatureAlgorithm: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  return sequence(info, signatureAlgorithm, tlv(Tag.BIT_STRING, concatBytes([Uint8Array.of(0), signature])));
}

export function certificationRequestPem(der: Uint8Array): string {
  return writePemBlock("CERTIFICATE REQUEST", der);
}
