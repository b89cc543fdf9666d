/**
 * A minimal DER writer and reader. We build CMS structures byte by byte because
 * PAdES validators hash exact encodings (signed attributes as a SET, DEFAULT
 * fields omitted); a tiny, bounded TLV reader lets the verifier keep the exact
 * bytes of every element it checks and reject hostile input with a typed error.
 */
import { SignetError } from "@/lib/engine/errors";

export class DerError extends SignetError {
  constructor(message = "The data is not valid DER-encoded ASN.1.") {
    super("der.malformed", message);
  }
}

export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** One TLV with the given tag byte (single-byte tags only, which is all CMS needs). */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(content);
  return concatBytes([Uint8Array.of(tag), encodeLength(body.length), body]);
}

export const sequence = (...items: readonly Uint8Array[]): Uint8Array => tlv(Tag.SEQUENCE, ...items);
export const octetString = (value: Uint8Array): Uint8Array => tlv(Tag.OCTET_STRING, value);
export const derNull = (): Uint8Array => Uint8Array.of(Tag.NULL, 0);
export const booleanTrue = (): Uint8Array => Uint8Array.of(Tag.BOOLEAN, 1, 0xff);
/** Context-specific constructed tag [n] (EXPLICIT, or IMPLICIT over a constructed type). */
export const contextConstructed = (n: number, ...items: readonly Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...items);

/** SET OF: DER requires the elements sorted by their encodings (X.690 11.6). */
export function setOf(items: readonly Uint8Array[]): Uint8Array {
  return tlv(Tag.SET, ...[...items].sort(compareBytes));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const diff = (a[i] as number) - (b[i] as number);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((part) => BigInt(part));
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined) throw new DerError(`Invalid object identifier ${dotted}.`);
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return tlv(Tag.OID, Uint8Array.from(out));
}

/** INTEGER from unsigned big-endian magnitude bytes (adds a 0x00 when the high bit is set). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const needsPad = trimmed.length === 0 || ((trimmed[0] as number) & 0x80) !== 0;
  return tlv(Tag.INTEGER, needsPad ? concatBytes([Uint8Array.of(0), trimmed]) : trimmed);
}

export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new DerError("Integer out of range.");
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return unsignedInteger(Uint8Array.from(bytes.length ? bytes : [0]));
}

// ---------------------------------------------------------------------------
// Reader

export interface DerElement {
  readonly tag: number;
  /** The whole TLV. */
  readonly der: Uint8Array;
  /** The value octets. */
  readonly content: Uint8Array;
  readonly constructed: boolean;
}

/** Reads one TLV at `offset`. Definite lengths only (DER); indefinite lengths are rejected. */
export function readElement(bytes: Uint8Array, offset = 0): DerElement {
  if (offset + 2 > bytes.length) throw new DerError("Truncated ASN.1 data.");
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError("Multi-byte ASN.1 tags are not supported here.");
  let lengthByte = bytes[offset + 1] as number;
  let headerLength = 2;
  let length: number;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else {
    const count = lengthByte & 0x7f;
    if (count === 0) throw new DerError("Indefinite-length (BER) encoding is not DER.");
    if (count > 4) throw new DerError("ASN.1 length is too large.");
    if (offset + 2 + count > bytes.length) throw new DerError("Truncated ASN.1 length.");
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = bytes[offset + 2 + i] as number;
      length = length * 256 + lengthByte;
    }
    headerLength += count;
  }
  const end = offset + headerLength + length;
  if (end > bytes.length) throw new DerError("Truncated ASN.1 value.");
  return {
    tag,
    der: bytes.subarray(offset, end),
    content: bytes.subarray(offset + headerLength, end),
    constructed: (tag & 0x20) !== 0,
  };
}

/** Children of a constructed element. */
export function readChildren(element: DerElement): DerElement[] {
  if (!element.constructed) throw new DerError("Expected a constructed ASN.1 element.");
  const children: DerElement[] = [];
  let offset = 0;
  while (offset < element.content.length) {
    const child = readElement(element.content, offset);
    children.push(child);
    offset += child.der.length;
  }
  return children;
}

/** Parses exactly one element; trailing bytes are allowed only when they are zero (PDF /Contents padding). */
export function readSingle(bytes: Uint8Array, options: { allowZeroPadding?: boolean } = {}): DerElement {
  const element = readElement(bytes, 0);
  const rest = bytes.subarray(element.der.length);
  if (rest.length > 0 && !(options.allowZeroPadding && rest.every((b) => b === 0))) {
    throw new DerError("Unexpected data after the ASN.1 structure.");
  }
  return element;
}

export function expectTag(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (!element || element.tag !== tag) throw new DerError(`Malformed ASN.1: expected ${what}.`);
  return element;
}

export function decodeOid(element: DerElement): string {
  if (element.tag !== Tag.OID || element.content.length === 0) throw new DerError("Malformed object identifier.");
  const arcs: bigint[] = [];
  let value = 0n;
  for (const byte of element.content) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    }
  }
  const [first] = arcs;
  if (first === undefined) throw new DerError("Malformed object identifier.");
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}

export function decodeSmallInteger(element: DerElement): number {
  if (element.tag !== Tag.INTEGER || element.content.length === 0 || element.content.length > 4) {
    throw new DerError("Malformed small integer.");
  }
  let value = 0;
  for (const byte of element.content) value = value * 256 + byte;
  return value;
}

/** GeneralizedTime (YYYYMMDDHHMMSS[.fff]Z) or UTCTime (YYMMDDHHMMSSZ). */
export function decodeTime(element: DerElement): Date {
  const text = new TextDecoder().decode(element.content);
  const m =
    element.tag === Tag.GENERALIZED_TIME
      ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(text)
      : element.tag === Tag.UTC_TIME
        ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})()Z$/.exec(text)
        : null;
  if (!m) throw new DerError("Malformed time value.");
  let year = Number(m[1]);
  if (element.tag === Tag.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const millis = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), millis));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}
