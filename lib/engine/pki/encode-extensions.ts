/** X.509 extensions as DER (RFC 5280 4.2), for certification requests. */
import { Tag, booleanTrue, concatBytes, octetString, oid, sequence, tlv } from "@/lib/engine/asn1/der";
import type { KeyUsageFlags } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";

/** Bit positions of KeyUsage (RFC 5280 4.2.1.3). */
const KEY_USAGE_BIT: Record<keyof KeyUsageFlags, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};

export function encodeExtension(extensionOid: string, value: Uint8Array, critical: boolean): Uint8Array {
  return sequence(oid(extensionOid), ...(critical ? [booleanTrue()] : []), octetString(value));
}

/** keyUsage as a named BIT STRING: DER drops trailing zero bits (X.690 11.2.2). */
export function keyUsageExtension(usage: Partial<KeyUsageFlags>, critical = true): Uint8Array {
  const bytes = [0, 0];
  for (const [name, bit] of Object.entries(KEY_USAGE_BIT) as [keyof KeyUsageFlags, number][]) {
    if (usage[name]) bytes[bit >> 3] = (bytes[bit >> 3] as number) | (0x80 >> (bit & 7));
  }
  while (bytes.length > 0 && bytes[bytes.length - 1] === 0) bytes.pop();
  const last = bytes[bytes.length - 1];
  let unused = 0;
  if (last !== undefined) while (((last >> unused) & 1) === 0) unused++;
  const bitString = tlv(Tag.BIT_STRING, concatBytes([Uint8Array.of(unused), Uint8Array.from(bytes)]));
  return encodeExtension(OID.keyUsage, bitString, critical);
}

/** extendedKeyUsage: a SEQUENCE OF KeyPurposeId, in the order given. */
export function extendedKeyUsageExtension(purposes: readonly string[], critical = false): Uint8Array {
  return encodeExtension(OID.extKeyUsage, sequence(...purposes.map(oid)), critical);
}

const SUBJECT_ALT_NAME = "2.5.29.17";

/** subjectAltName with rfc822Name entries ([1] IA5String): RFC 5280 4.1.2.6 wants email addresses there. */
export function emailSubjectAltNameExtension(emails: readonly string[], critical = false): Uint8Array {
  return encodeExtension(
    SUBJECT_ALT_NAME,
    sequence(...emails.map((email) => tlv(0x81, new TextEncoder().encode(email)))),
    critical,
  );
}
