/**
 * Which PKCS#11 mechanism signs a request, what it is given and how its output
 * becomes what KeyBackend returns. Preferred: the raw mechanisms over the
 * caller's digest (one mechanism for every hash, and the token sees only a hash):
 *   - RSA: CKM_RSA_PKCS over DigestInfo(hash, digest) → PKCS#1 v1.5 signature;
 *   - EC:  CKM_ECDSA over the digest → raw r‖s, converted to DER ECDSA-Sig-Value.
 * Fallback, for tokens (or keys, through CKA_ALLOWED_MECHANISMS) that only offer
 * hash-and-sign: CKM_SHA256/384/512_RSA_PKCS or CKM_ECDSA_SHA256/384/512 over the
 * message itself. Both give the same signature format.
 */
import type { SignRequest } from "@/lib/engine/keys/key-backend";
import type { HashAlgorithm, KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digestInfo } from "@/lib/engine/crypto/digest-info";
import { ecdsaRawToDer } from "@/lib/engine/crypto/ecdsa-signature";
import { CKM } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import { fieldBytes } from "@/lib/engine/keys/pkcs11/pkcs11-ec";

export interface SigningMechanism {
  mechanism: number;
  /** "CKM_RSA_PKCS", for messages and tests. */
  name: string;
  /** The data C_Sign is given. */
  input(request: SignRequest): Uint8Array;
  /** C_Sign's output as KeyBackend returns it (throws DerError on a malformed ECDSA output). */
  output(signature: Uint8Array): Uint8Array;
  /** Bytes to allocate for the signature. */
  maxLength: number;
}

const RSA_HASHED: Record<HashAlgorithm, [number, string]> = {
  "SHA-256": [CKM.SHA256_RSA_PKCS, "CKM_SHA256_RSA_PKCS"],
  "SHA-384": [CKM.SHA384_RSA_PKCS, "CKM_SHA384_RSA_PKCS"],
  "SHA-512": [CKM.SHA512_RSA_PKCS, "CKM_SHA512_RSA_PKCS"],
};

const ECDSA_HASHED: Record<HashAlgorithm, [number, string]> = {
  "SHA-256": [CKM.ECDSA_SHA256, "CKM_ECDSA_SHA256"],
  "SHA-384": [CKM.ECDSA_SHA384, "CKM_ECDSA_SHA384"],
  "SHA-512": [CKM.ECDSA_SHA512, "CKM_ECDSA_SHA512"],
};

/** The mechanisms that could sign with this key and hash, preferred first. */
export function signingMechanisms(algorithm: KeyAlgorithm, hash: HashAlgorithm): SigningMechanism[] {
  if (algorithm.kind === "RSA") {
    const maxLength = Math.ceil(algorithm.modulusBits / 8);
    const [hashed, hashedName] = RSA_HASHED[hash];
    return [
      {
        mechanism: CKM.RSA_PKCS,
        name: "CKM_RSA_PKCS",
        input: (r) => digestInfo(r.digest, r.hash),
        output: (s) => s,
        maxLength,
      },
      { mechanism: hashed, name: hashedName, input: (r) => r.message, output: (s) => s, maxLength },
    ];
  }
  const curve = algorithm.curve;
  const maxLength = 2 * fieldBytes(curve);
  const toDer = (raw: Uint8Array) => ecdsaRawToDer(raw, curve);
  const [hashed, hashedName] = ECDSA_HASHED[hash];
  return [
    { mechanism: CKM.ECDSA, name: "CKM_ECDSA", input: (r) => r.digest, output: toDer, maxLength },
    { mechanism: hashed, name: hashedName, input: (r) => r.message, output: toDer, maxLength },
  ];
}

/**
 * The first mechanism the token offers (C_GetMechanismList) and the key allows
 * (CKA_ALLOWED_MECHANISMS; empty means no restriction); undefined if none.
 */
export function chooseSigningMechanism(
  algorithm: KeyAlgorithm,
  hash: HashAlgorithm,
  tokenMechanisms: ReadonlySet<number>,
  allowedMechanisms: readonly number[],
): SigningMechanism | undefined {
  return signingMechanisms(algorithm, hash).find(
    (m) =>
      tokenMechanisms.has(m.mechanism) && (allowedMechanisms.length === 0 || allowedMechanisms.includes(m.mechanism)),
  );
}
