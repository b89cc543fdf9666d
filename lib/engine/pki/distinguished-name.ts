/** X.501 Name → display string ("CN=Alice, O=Example, C=BE", most specific first, RFC 4514 style). */
import { DerError, Tag, decodeOid, readChildren, readElement, type DerElement } from "@/lib/engine/asn1/der";

const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.42": "GN",
  "2.5.4.97": "organizationIdentifier",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "1.2.840.113549.1.9.1": "emailAddress",
};

export interface NameAttribute {
  type: string;
  shortName: string;
  value: string;
}

/** Attributes in encoding order (least specific first, as stored). */
export function nameAttributes(name: DerElement): NameAttribute[] {
  if (name.tag !== Tag.SEQUENCE) throw new DerError("Malformed distinguished name.");
  const out: NameAttribute[] = [];
  for (const rdn of readChildren(name)) {
    if (rdn.tag !== Tag.SET) throw new DerError("Malformed distinguished name.");
    for (const atv of readChildren(rdn)) {
      const [typeEl, valueEl] = readChildren(atv);
      if (!typeEl || !valueEl) throw new DerError("Malformed distinguished name.");
      const type = decodeOid(typeEl);
      out.push({ type, shortName: SHORT_NAMES[type] ?? type, value: decodeDirectoryString(valueEl) });
    }
  }
  return out;
}

export function displayName(nameDer: Uint8Array): string {
  const attributes = nameAttributes(readElement(nameDer));
  return attributes
    .reverse()
    .map((a) => `${a.shortName}=${escapeValue(a.value)}`)
    .join(", ");
}

export function commonName(nameDer: Uint8Array): string | undefined {
  return nameAttributes(readElement(nameDer)).findLast((a) => a.shortName === "CN")?.value;
}

/** RFC 4514 2.4: specials anywhere, a leading '#' or space, a trailing space, NUL as \00 (read back by readable-name.ts). */
function escapeValue(value: string): string {
  return value
    .replace(/([,+"\\<>;])/g, "\\$1")
    .replace(/\u0000/g, "\\00")
    .replace(/^([# ])/, "\\$1")
    .replace(/( )$/, "\\$1");
}

function decodeDirectoryString(element: DerElement): string {
  const bytes = element.content;
  switch (element.tag) {
    case 0x0c: // UTF8String
      return new TextDecoder("utf-8").decode(bytes);
    case 0x1e: {
      // BMPString (UTF-16BE)
      let s = "";
      for (let i = 0; i + 1 < bytes.length; i += 2)
        s += String.fromCharCode(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
      return s;
    }
    case 0x1c: {
      // UniversalString (UTF-32BE)
      let s = "";
      for (let i = 0; i + 3 < bytes.length; i += 4) {
        const cp =
          (((bytes[i] as number) << 24) |
            ((bytes[i + 1] as number) << 16) |
            ((bytes[i + 2] as number) << 8) |
            (bytes[i + 3] as number)) >>>
          0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
      }
      return s;
    }
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // TeletexString (treated as Latin-1)
    case 0x1a: // VisibleString
    case 0x12: // NumericString
      return new TextDecoder("latin1").decode(bytes);
    default:
      return `#${Buffer.from(element.der).toString("hex")}`;
  }
}
