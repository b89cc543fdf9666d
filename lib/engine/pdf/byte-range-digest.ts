import { createHash } from "node:crypto";

export type DigestAlgorithm = "sha256" | "sha384" | "sha512";

/**
 * Hashes the two covered parts of a signed PDF ([a, a+b) and [c, c+d)) without copying
 * them: the subarrays are views into `bytes`.
 */
export function digestByteRange(
  bytes: Uint8Array,
  byteRange: readonly [number, number, number, number],
  algorithm: DigestAlgorithm = "sha256",
): Uint8Array {
  const [a, b, c, d] = byteRange;
  const sane = [a, b, c, d].every((n) => Number.isSafeInteger(n) && n >= 0) && a + b <= c && c + d <= bytes.length;
  if (!sane) throw new RangeError("byte range outside the document");
  const hash = createHash(algorithm);
  hash.update(bytes.subarray(a, a + b));
  hash.update(bytes.subarray(c, c + d));
  return hash.digest();
}

/**
 * The same digest over a file held as consecutive parts (an original and its appended update),
 * without joining them.
 */
export function digestByteRangeOfParts(
  parts: readonly Uint8Array[],
  byteRange: readonly [number, number, number, number],
  algorithm: DigestAlgorithm = "sha256",
): Uint8Array {
  const [a, b, c, d] = byteRange;
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const sane = [a, b, c, d].every((n) => Number.isSafeInteger(n) && n >= 0) && a + b <= c && c + d <= total;
  if (!sane) throw new RangeError("byte range outside the document");
  const hash = createHash(algorithm);
  for (const [start, end] of [
    [a, a + b],
    [c, c + d],
  ] as const) {
    let offset = 0;
    for (const part of parts) {
      const from = Math.max(start, offset);
      const to = Math.min(end, offset + part.length);
      if (from < to) hash.update(part.subarray(from - offset, to - offset));
      offset += part.length;
    }
  }
  return hash.digest();
}
