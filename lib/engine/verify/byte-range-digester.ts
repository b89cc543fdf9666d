/**
 * Hashes the signed bytes of each signature straight from the file (subarray
 * views, never a copy). Signatures of one document share their first range's
 * prefix [0, b): the hash state at each first-range end is kept (Hash.copy()), so
 * a later signature only hashes what lies past an earlier one's /Contents. On a
 * document with several signatures the original content is hashed once per
 * algorithm, not once per signature.
 */
import { createHash, type Hash } from "node:crypto";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { nodeHashName } from "@/lib/engine/crypto/hash";
import type { FourNumbers } from "@/lib/engine/verify/byte-range-check";

export class ByteRangeDigester {
  private readonly checkpoints = new Map<HashAlgorithm, Array<{ at: number; state: Hash }>>();
  private readonly results = new Map<string, Uint8Array>();

  constructor(private readonly bytes: Uint8Array) {}

  /** The range must lie within the file, its parts in order (see checkByteRange's `usable`). */
  digest(range: FourNumbers, hash: HashAlgorithm): Uint8Array {
    const key = `${hash}:${range.join(",")}`;
    const known = this.results.get(key);
    if (known !== undefined) return known;
    const [a, b, c, d] = range;
    if (a + b > c || c + d > this.bytes.length) throw new RangeError("byte range outside the document");
    const state =
      a === 0 ? this.prefixState(hash, b) : createHash(nodeHashName(hash)).update(this.bytes.subarray(a, a + b));
    state.update(this.bytes.subarray(c, c + d));
    const result = new Uint8Array(state.digest());
    this.results.set(key, result);
    return result;
  }

  /** A fresh hash state over [0, end), continued from the nearest kept state. */
  private prefixState(hash: HashAlgorithm, end: number): Hash {
    const kept = this.checkpoints.get(hash) ?? [];
    this.checkpoints.set(hash, kept);
    let best: { at: number; state: Hash } | undefined;
    for (const checkpoint of kept)
      if (checkpoint.at <= end && (best === undefined || checkpoint.at > best.at)) best = checkpoint;
    const state = best ? best.state.copy() : createHash(nodeHashName(hash));
    state.update(this.bytes.subarray(best?.at ?? 0, end));
    if (best?.at !== end) kept.push({ at: end, state: state.copy() });
    return state;
  }
}
