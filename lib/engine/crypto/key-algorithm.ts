/** What kind of key a node:crypto KeyObject (or SubjectPublicKeyInfo) is, as a KeyAlgorithm. */
import { createPublicKey, type KeyObject } from "node:crypto";
import { KeyError } from "@/lib/engine/crypto/key-errors";

/** The hash algorithms a seal may use; SHA-1 is never one of them. */
export type HashAlgorithm = "SHA-256" | "SHA-384" | "SHA-512";

export type EcCurve = "P-256" | "P-384" | "P-521";

export type KeyAlgorithm = { kind: "RSA"; modulusBits: number } | { kind: "EC"; curve: EcCurve };

/** The smallest RSA modulus Signet signs with or accepts in a certificate. */
export const MIN_RSA_BITS = 2048;

const CURVES: Record<string, EcCurve> = {
  prime256v1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
};

export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === "rsa" && details?.modulusLength) {
    return { kind: "RSA", modulusBits: details.modulusLength };
  }
  if (key.asymmetricKeyType === "ec" && details?.namedCurve) {
    const curve = CURVES[details.namedCurve];
    if (curve) return { kind: "EC", curve };
    throw new KeyError(
      "key.unsupported_algorithm",
      `Elliptic curve ${details.namedCurve} is not supported; use P-256, P-384 or P-521.`,
    );
  }
  throw new KeyError(
    "key.unsupported_algorithm",
    `Keys of type ${key.asymmetricKeyType ?? "unknown"} are not supported; use RSA or ECDSA (P-256, P-384, P-521).`,
  );
}

/** Public key object from a DER SubjectPublicKeyInfo. */
export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch (cause) {
    throw new KeyError("key.unreadable", "The public key could not be read.", { cause });
  }
}

/** Canonical SPKI DER (re-encoded by OpenSSL), so equal keys compare equal bytewise. */
export function canonicalSpki(spki: Uint8Array): Uint8Array {
  return new Uint8Array(publicKeyFromSpki(spki).export({ type: "spki", format: "der" }));
}

export function describeKeyAlgorithm(algorithm: KeyAlgorithm): string {
  return algorithm.kind === "RSA" ? `RSA ${algorithm.modulusBits}` : `ECDSA ${algorithm.curve}`;
}
