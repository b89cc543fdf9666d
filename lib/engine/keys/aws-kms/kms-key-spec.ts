/**
 * Which AWS KMS key specs Signet signs with, and the KMS signing algorithm for a
 * key and hash. Only RSASSA-PKCS1-v1_5 and ECDSA: that is what the KeyBackend
 * contract returns (see ../key-backend.ts). An ECC key has exactly one KMS signing
 * algorithm (P-256 → ECDSA_SHA_256, P-384 → ECDSA_SHA_384, P-521 →
 * ECDSA_SHA_512); an RSA key takes SHA-256, SHA-384 or SHA-512.
 */
import type { SigningAlgorithmSpec } from "@aws-sdk/client-kms";
import type { EcCurve, HashAlgorithm, KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";

export const SUPPORTED_KEY_SPECS = [
  "RSA_2048",
  "RSA_3072",
  "RSA_4096",
  "ECC_NIST_P256",
  "ECC_NIST_P384",
  "ECC_NIST_P521",
] as const;
export type SupportedKeySpec = (typeof SUPPORTED_KEY_SPECS)[number];

const ALGORITHMS: Record<SupportedKeySpec, KeyAlgorithm> = {
  RSA_2048: { kind: "RSA", modulusBits: 2048 },
  RSA_3072: { kind: "RSA", modulusBits: 3072 },
  RSA_4096: { kind: "RSA", modulusBits: 4096 },
  ECC_NIST_P256: { kind: "EC", curve: "P-256" },
  ECC_NIST_P384: { kind: "EC", curve: "P-384" },
  ECC_NIST_P521: { kind: "EC", curve: "P-521" },
};

const CURVE_HASH: Record<EcCurve, HashAlgorithm> = { "P-256": "SHA-256", "P-384": "SHA-384", "P-521": "SHA-512" };

const RSA_ALGORITHM: Record<HashAlgorithm, SigningAlgorithmSpec> = {
  "SHA-256": "RSASSA_PKCS1_V1_5_SHA_256",
  "SHA-384": "RSASSA_PKCS1_V1_5_SHA_384",
  "SHA-512": "RSASSA_PKCS1_V1_5_SHA_512",
};

const ECDSA_ALGORITHM: Record<HashAlgorithm, SigningAlgorithmSpec> = {
  "SHA-256": "ECDSA_SHA_256",
  "SHA-384": "ECDSA_SHA_384",
  "SHA-512": "ECDSA_SHA_512",
};

export function isSupportedKeySpec(spec: string | undefined): spec is SupportedKeySpec {
  return (SUPPORTED_KEY_SPECS as readonly string[]).includes(spec ?? "");
}

export function keyAlgorithmOfKeySpec(spec: SupportedKeySpec): KeyAlgorithm {
  return ALGORITHMS[spec];
}

/** The hashes KMS accepts for this key (with MessageType DIGEST, a digest of that length). */
export function kmsHashesFor(algorithm: KeyAlgorithm): HashAlgorithm[] {
  return algorithm.kind === "RSA" ? ["SHA-256", "SHA-384", "SHA-512"] : [CURVE_HASH[algorithm.curve]];
}

/** The KMS SigningAlgorithm for a key and hash, or undefined when KMS has none. */
export function kmsSigningAlgorithm(algorithm: KeyAlgorithm, hash: HashAlgorithm): SigningAlgorithmSpec | undefined {
  if (algorithm.kind === "RSA") return RSA_ALGORITHM[hash];
  return CURVE_HASH[algorithm.curve] === hash ? ECDSA_ALGORITHM[hash] : undefined;
}
