/**
 * X.501 Name → DER, one attribute per RDN, in the order given (least specific
 * first, as Names are stored). The reader is distinguished-name.ts.
 */
import { DerError, Tag, oid, sequence, setOf, tlv } from "@/lib/engine/asn1/der";

/** Attribute types Signet writes into subject names. */
export const NAME_ATTRIBUTE = {
  country: "2.5.4.6",
  state: "2.5.4.8",
  locality: "2.5.4.7",
  organisation: "2.5.4.10",
  organisationalUnit: "2.5.4.11",
  commonName: "2.5.4.3",
  serialNumber: "2.5.4.5",
  email: "1.2.840.113549.1.9.1",
} as const;

/** utf8: UTF8String (RFC 5280's choice for DirectoryString); printable: PrintableString; ia5: IA5String. */
export type NameValueEncoding = "utf8" | "printable" | "ia5";

export interface NameAttributeInput {
  /** Attribute type OID. */
  readonly type: string;
  readonly value: string;
  readonly encoding: NameValueEncoding;
}

/** The PrintableString alphabet (X.680 41.4). */
export const PRINTABLE_STRING = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const IA5_STRING = /^[\x00-\x7f]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const ENCODERS: Record<NameValueEncoding, { tag: number; check: (value: string) => boolean }> = {
  utf8: { tag: Tag.UTF8_STRING, check: (value) => !LONE_SURROGATE.test(value) },
  printable: { tag: Tag.PRINTABLE_STRING, check: (value) => PRINTABLE_STRING.test(value) },
  ia5: { tag: 0x16, check: (value) => IA5_STRING.test(value) },
};

export function encodeName(attributes: readonly NameAttributeInput[]): Uint8Array {
  return sequence(...attributes.map(encodeRdn));
}

function encodeRdn(attribute: NameAttributeInput): Uint8Array {
  const encoder = ENCODERS[attribute.encoding];
  if (!encoder.check(attribute.value))
    throw new DerError(`The value of name attribute ${attribute.type} cannot be written as ${attribute.encoding}.`);
  return setOf([sequence(oid(attribute.type), tlv(encoder.tag, new TextEncoder().encode(attribute.value)))]);
}
