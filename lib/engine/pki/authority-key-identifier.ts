/**
 * The keyIdentifier of a certificate's authorityKeyIdentifier extension (RFC 5280
 * 4.2.1.1): it names the issuer's subjectKeyIdentifier, which tells apart CA
 * certificates that share a name (renewed or cross-certified CAs).
 */
import { DerError, Tag, decodeOid, expectTag, readChildren, readSingle } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";

const AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";

/** Undefined when the extension or its keyIdentifier is absent (or unreadable: the certificate parser is the judge of that). */
export function authorityKeyIdentifier(certificate: Certificate): Uint8Array | undefined {
  try {
    const [tbs] = readChildren(expectTag(readSingle(certificate.der), Tag.SEQUENCE, "Certificate"));
    const extensions = readChildren(expectTag(tbs, Tag.SEQUENCE, "TBSCertificate")).find((field) => field.tag === 0xa3);
    if (!extensions) return undefined;
    for (const extension of readChildren(expectTag(readChildren(extensions)[0], Tag.SEQUENCE, "Extensions"))) {
      const parts = readChildren(extension);
      if (!parts[0] || decodeOid(parts[0]) !== AUTHORITY_KEY_IDENTIFIER) continue;
      const value = expectTag(parts[parts.length - 1], Tag.OCTET_STRING, "extnValue").content;
      return readChildren(expectTag(readSingle(value), Tag.SEQUENCE, "AuthorityKeyIdentifier")).find(
        (f) => f.tag === 0x80,
      )?.content;
    }
    return undefined;
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}
