import { createHash } from "node:crypto";

export type DigestAlgorithm = "sha256" | "sha384" | "sha512";

/**
 * Hashes the two covered parts of a signed PDF ([a, a+b) and [c, c+d)) without copying
 * them: the subarrays are views into `bytes`.
 */
export function digestByteRange(bytes: Uint8Array, byteRange: readonly [number, number, number, number], algorithm: DigestAlgorithm = "sha256"): Uint8Array {
  const [a, b, c, d] = byteRange;
  const sane = [a, b, c, d].every((n) => Number.isSafeInteger(n) && n >= 0) && a + b <= c && c + d <= bytes.length;
  if (!sane) throw new RangeError("byte range outside the document");
  const hash = createHash(algorithm);
  hash.update(bytes.subarray(a, a + b));
  hash.update(bytes.subarray(c, c + d));
  return hash.digest();
}
