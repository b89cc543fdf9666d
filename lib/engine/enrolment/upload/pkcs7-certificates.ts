/**
 * The certificates of a PKCS#7 / CMS SignedData ContentInfo (RFC 5652), as in a
 * "certs-only" .p7b bundle (openssl crl2pkcs7, Windows certificate export). BER
 * indefinite lengths, which some tools write, are made definite first.
 */
import { Tag, decodeOid, expectTag, readChildren, readSingle } from "@/lib/engine/asn1/der";
import { OID } from "@/lib/engine/asn1/oids";
import { definiteLengths } from "@/lib/engine/verify/ber-to-der";

/** Undefined when the bytes are not a SignedData ContentInfo; throws DerError when one is malformed. */
export function readPkcs7Certificates(bytes: Uint8Array): Uint8Array[] | undefined {
  let contentInfo;
  try {
    contentInfo = readChildren(expectTag(readSingle(definiteLengths(bytes)), Tag.SEQUENCE, "ContentInfo"));
  } catch {
    return undefined;
  }
  const [type, content] = contentInfo;
  if (type?.tag !== Tag.OID || decodeOid(type) !== OID.signedData) return undefined;
  const [signedData] = readChildren(expectTag(content, 0xa0, "[0] content"));
  const fields = readChildren(expectTag(signedData, Tag.SEQUENCE, "SignedData"));
  const certificateSet = fields.find((field) => field.tag === 0xa0);
  if (!certificateSet) return [];
  // CertificateChoices: only plain certificates (SEQUENCE); attribute and other certificates are skipped.
  return readChildren(certificateSet)
    .filter((choice) => choice.tag === Tag.SEQUENCE)
    .map((choice) => choice.der);
}
