/**
 * Some signers (NSS, hence poppler's pdfsig; older Adobe products) write the CMS
 * wrappers with BER indefinite lengths (0x80 … 00 00). lib/pki's DER reader refuses
 * them, so the verifier rewrites those elements with definite lengths first.
 * Elements without an indefinite length anywhere inside are copied verbatim, so
 * everything that is hashed or signed (signed attributes, certificates, TSTInfo)
 * keeps its exact bytes. Bounded: depth and element count are limited, and
 * anything malformed leaves the input unchanged (the CMS reader then reports it).
 */
import { concatBytes } from "@/lib/engine/asn1/der";

const MAX_DEPTH = 64;
const MAX_ELEMENTS = 100_000;

class Malformed extends Error {}

interface Converted {
  bytes: Uint8Array;
  end: number;
  changed: boolean;
}

/** The first element of `input` with every indefinite length made definite; `input` itself when there is none. */
export function definiteLengths(input: Uint8Array): Uint8Array {
  if (!hasIndefiniteLength(input)) return input;
  try {
    const budget = { elements: 0 };
    const converted = convert(input, 0, 0, budget);
    return converted.changed ? converted.bytes : input;
  } catch (error) {
    if (error instanceof Malformed) return input;
    throw error;
  }
}

/** Cheap pre-check: is there a 0x80 length byte right after a constructed tag? (False positives only cost a parse.) */
function hasIndefiniteLength(input: Uint8Array): boolean {
  for (let i = 0; i + 1 < input.length; i++)
    if (input[i + 1] === 0x80 && ((input[i] as number) & 0x20) !== 0) return true;
  return false;
}

function convert(bytes: Uint8Array, offset: number, depth: number, budget: { elements: number }): Converted {
  if (depth > MAX_DEPTH || ++budget.elements > MAX_ELEMENTS) throw new Malformed();
  if (offset + 2 > bytes.length) throw new Malformed();
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new Malformed(); // multi-byte tags: not in CMS
  const constructed = (tag & 0x20) !== 0;
  const first = bytes[offset + 1] as number;
  if (first === 0x80) {
    if (!constructed) throw new Malformed();
    const children: Uint8Array[] = [];
    let p = offset + 2;
    for (;;) {
      if (p + 2 > bytes.length) throw new Malformed();
      if (bytes[p] === 0 && bytes[p + 1] === 0) break;
      const child = convert(bytes, p, depth + 1, budget);
      children.push(child.bytes);
      p = child.end;
    }
    const content = concatBytes(children);
    return {
      bytes: concatBytes([Uint8Array.of(tag), encodeLength(content.length), content]),
      end: p + 2,
      changed: true,
    };
  }
  let length = first;
  let header = 2;
  if (first > 0x80) {
    const count = first & 0x7f;
    if (count > 4 || offset + 2 + count > bytes.length) throw new Malformed();
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] as number);
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) throw new Malformed();
  const verbatim = { bytes: bytes.subarray(offset, end), end, changed: false };
  if (!constructed) return verbatim;
  const children: Uint8Array[] = [];
  let changed = false;
  for (let p = offset + header; p < end;) {
    const child = convert(bytes.subarray(0, end), p, depth + 1, budget);
    children.push(child.bytes);
    changed ||= child.changed;
    p = child.end;
  }
  if (!changed) return verbatim;
  const content = concatBytes(children);
  return { bytes: concatBytes([Uint8Array.of(tag), encodeLength(content.length), content]), end, changed: true };
}

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const out: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}
