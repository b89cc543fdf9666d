/**
 * Distinguished names for people: the stored RFC 4514 string ("CN=Nadia Newcomer\, P.Eng., O=…",
 * as displayName writes it, most specific first) read back into its attributes, so that screens
 * show "Nadia Newcomer, P.Eng." and "Common name: … · Organisation: …", never escapes.
 * Plain TypeScript with no Node APIs: client components use it too.
 */

export interface NamePart {
  /** As written: "CN", "serialNumber", or a dotted OID. */
  type: string;
  /** For people: "Common name", "Organisation", … (the type itself when unknown). */
  label: string;
  value: string;
}

const LABELS: Record<string, string> = {
  cn: "Common name",
  sn: "Surname",
  serialnumber: "Serial number",
  c: "Country",
  l: "Locality",
  st: "State or province",
  street: "Street",
  o: "Organisation",
  ou: "Organisational unit",
  title: "Title",
  gn: "Given name",
  givenname: "Given name",
  organizationidentifier: "Organisation identifier",
  dc: "Domain component",
  uid: "User ID",
  emailaddress: "Email",
  e: "Email",
};

/** The same attributes when written as OIDs (RFC 4514 2.3). */
const OID_KEYS: Record<string, string> = {
  "2.5.4.3": "cn",
  "2.5.4.4": "sn",
  "2.5.4.5": "serialnumber",
  "2.5.4.6": "c",
  "2.5.4.7": "l",
  "2.5.4.8": "st",
  "2.5.4.9": "street",
  "2.5.4.10": "o",
  "2.5.4.11": "ou",
  "2.5.4.12": "title",
  "2.5.4.42": "gn",
  "2.5.4.97": "organizationidentifier",
  "0.9.2342.19200300.100.1.25": "dc",
  "0.9.2342.19200300.100.1.1": "uid",
  "1.2.840.113549.1.9.1": "emailaddress",
};

const TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
const SPECIALS = ' "#+,;<=>\\';

function keyOf(type: string): string {
  const lower = type.toLowerCase().replace(/^oid\./, "");
  return OID_KEYS[lower] ?? lower;
}

/** The attributes of an RFC 4514 (or RFC 2253) string in the order written; undefined when it is not one. */
export function parseDistinguishedName(text: string): NamePart[] | undefined {
  const parts: NamePart[] = [];
  const utf8 = new TextEncoder();
  let i = 0;
  const skipSpaces = () => {
    while (text[i] === " ") i++;
  };
  skipSpaces();
  if (i === text.length) return parts;
  for (;;) {
    const equals = text.indexOf("=", i);
    if (equals < 0) return undefined;
    const type = text
      .slice(i, equals)
      .trim()
      .replace(/^oid\./i, "");
    if (!TYPE.test(type)) return undefined;
    i = equals + 1;

    let value: string;
    if (text[i] === "#") {
      const end = nextSeparator(text, i);
      const raw = text.slice(i, end).trimEnd();
      value = decodeBerString(raw.slice(1)) ?? raw;
      i = end;
    } else if (text[i] === '"') {
      // RFC 2253's quoted form: specials stand for themselves, backslash still escapes.
      let quoted = "";
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") i++;
        if (i >= text.length) return undefined;
        quoted += text[i];
        i++;
      }
      if (text[i] !== '"') return undefined;
      i++;
      skipSpaces();
      value = quoted;
    } else {
      // Bytes, so that a run of hex escapes (\C3\BC) decodes as one UTF-8 character.
      const bytes: number[] = [];
      let keep = 0; // bytes up to the last character that was escaped or not a space
      while (i < text.length && !",+;".includes(text[i] as string)) {
        const c = text[i] as string;
        if (c === "\\") {
          const pair = text.slice(i + 1, i + 3);
          if (HEX_PAIR.test(pair)) {
            bytes.push(parseInt(pair, 16));
            i += 3;
          } else if (text[i + 1] !== undefined && SPECIALS.includes(text[i + 1] as string)) {
            bytes.push((text[i + 1] as string).charCodeAt(0));
            i += 2;
          } else {
            return undefined;
          }
          keep = bytes.length;
          continue;
        }
        const codePoint = text.codePointAt(i) as number;
        const char = String.fromCodePoint(codePoint);
        bytes.push(...utf8.encode(char));
        if (c !== " ") keep = bytes.length;
        i += char.length;
      }
      value = new TextDecoder("utf-8").decode(new Uint8Array(bytes.slice(0, keep)));
    }
    parts.push({ type, label: LABELS[keyOf(type)] ?? type, value });

    if (i >= text.length) return parts;
    if (!",+;".includes(text[i] as string)) return undefined;
    i++;
    skipSpaces();
    if (i >= text.length) return undefined;
  }
}

function nextSeparator(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (",+;".includes(text[i] as string)) return i;
  return text.length;
}

/** A '#'-written value: the hex of its BER encoding. Only string types are read. */
function decodeBerString(hex: string): string | undefined {
  if (hex.length < 4 || hex.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
  const bytes = Uint8Array.from(hex.match(/../g) as string[], (pair) => parseInt(pair, 16));
  const tag = bytes[0] as number;
  let length = bytes[1] as number;
  let offset = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) return undefined;
    length = 0;
    for (let k = 0; k < count; k++) length = (length << 8) | (bytes[offset + k] ?? 0);
    offset += count;
  }
  if (offset + length !== bytes.length) return undefined;
  const content = bytes.subarray(offset);
  switch (tag) {
    case 0x0c: // UTF8String
      return new TextDecoder("utf-8").decode(content);
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x14: // TeletexString (read as Latin-1)
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      return String.fromCharCode(...content);
    case 0x1e: // BMPString
      return new TextDecoder("utf-16be").decode(content);
    default:
      return undefined;
  }
}

function findValue(parts: NamePart[], key: string): string | undefined {
  return parts.find((p) => keyOf(p.type) === key)?.value;
}

/** The common name, unescaped (the first written, which is the most specific). */
export function commonNameOf(dn: string): string | undefined {
  const parts = parseDistinguishedName(dn);
  return parts === undefined ? undefined : findValue(parts, "cn");
}

/** What to call a certificate's subject or issuer: its common name, else its organisation, else every attribute. */
export function readableName(dn: string): string {
  const parts = parseDistinguishedName(dn);
  if (parts === undefined || parts.length === 0) return dn;
  return findValue(parts, "cn") ?? findValue(parts, "o") ?? nameDetails(dn);
}

/** Every attribute with its label, the common name first: "Common name: Nadia Newcomer, P.Eng. · Organisation: … · Country: CA". */
export function nameDetails(dn: string): string {
  const parts = parseDistinguishedName(dn);
  if (parts === undefined || parts.length === 0) return dn;
  const commonNames = parts.filter((p) => keyOf(p.type) === "cn");
  return [...commonNames, ...parts.filter((p) => !commonNames.includes(p))]
    .map((p) => `${p.label}: ${p.value}`)
    .join(" · ");
}
