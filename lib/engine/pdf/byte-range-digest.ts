import { createHash, type Hash } from "node:crypto";

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
 * The running digest of a document's first bytes, fed while they are read, so that a large
 * original is hashed in the pass that reads it rather than once more when its update is ready.
 * digestByteRangeOfParts goes on from a copy of it; the prefix itself can be used again (a seal
 * that is redone with a larger reservation hashes a new update after the same original).
 */
export class PrefixDigest {
  private readonly hash: Hash;
  private fed = 0;

  constructor(readonly algorithm: DigestAlgorithm) {
    this.hash = createHash(algorithm);
  }

  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.fed += bytes.length;
  }

  /** How many bytes it has been fed. */
  get length(): number {
    return this.fed;
  }

  /** A hash that goes on from the prefix. */
  fork(): Hash {
    return this.hash.copy();
  }
}

/**
 * The same digest over a file held as consecutive parts (an original and its appended update),
 * without joining them. With `prefix` (a digest of the file's first `prefix.length` bytes, with
 * this algorithm), hashing starts after those bytes; they must lie within the first range, which
 * must start at 0 (an incremental update's /ByteRange always does).
 */
export function digestByteRangeOfParts(
  parts: readonly Uint8Array[],
  byteRange: readonly [number, number, number, number],
  algorithm: DigestAlgorithm = "sha256",
  prefix?: PrefixDigest,
): Uint8Array {
  const [a, b, c, d] = byteRange;
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const sane = [a, b, c, d].every((n) => Number.isSafeInteger(n) && n >= 0) && a + b <= c && c + d <= total;
  if (!sane) throw new RangeError("byte range outside the document");
  if (prefix !== undefined && (prefix.algorithm !== algorithm || a !== 0 || prefix.length > b))
    throw new RangeError("the prefix digest is not of the first range's start, or not with this algorithm");
  const hash = prefix === undefined ? createHash(algorithm) : prefix.fork();
  for (const [start, end] of [
    [a + (prefix?.length ?? 0), a + b],
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
