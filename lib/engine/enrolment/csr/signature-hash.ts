/**
 * The hash a key signs its CSR with when the caller does not choose: SHA-256 for
 * RSA, and for ECDSA the hash that matches the curve's strength (P-384 with
 * SHA-384, P-521 with SHA-512), which is also the only one AWS KMS offers for
 * those curves.
 */
import type { HashAlgorithm, KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";

const CURVE_HASH = { "P-256": "SHA-256", "P-384": "SHA-384", "P-521": "SHA-512" } as const satisfies Record<
  string,
  HashAlgorithm
>;

export function defaultSignatureHash(algorithm: KeyAlgorithm): HashAlgorithm {
  return algorithm.kind === "RSA" ? "SHA-256" : CURVE_HASH[algorithm.curve];
}
