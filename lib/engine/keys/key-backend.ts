/**
 * KeyBackend: the one interface every key custody path implements (local key
 * file, platform envelope-encrypted key, AWS KMS, PKCS#11). lib/cms needs only
 * this, never a concrete key.
 *
 * Why `sign({ message, digest, hash })` and not `signDigest(digest)`:
 * node:crypto has no "sign this precomputed digest" call for ECDSA.
 * `crypto.sign(null, digest, ecKey)` hashes the digest again (checked on Node 20 /
 * OpenSSL 3: the result verifies as a signature over SHA-256(digest), not over the
 * message), WebCrypto always hashes, and `privateEncrypt` exists only for RSA.
 * Doing ECDSA with BigInt arithmetic in JavaScript would not be constant-time.
 * Every caller of a backend (the CMS signer over the DER of the signed attributes,
 * a PKCS#10 CSR over its CertificationRequestInfo) has the message in hand and it
 * is small, so the request carries both:
 *   - `message`: the exact bytes to be signed (at most a few KB);
 *   - `digest`: hash(message) with `hash`, computed by the caller.
 * A backend uses whichever it can: the local backend signs `message` with
 * `crypto.sign(hash, message)` (after checking that it hashes to `digest`);
 * AWS KMS can sign `digest` with MessageType DIGEST (or `message` with RAW, up to
 * 4096 bytes); PKCS#11 signs `digest` with CKM_ECDSA, or its DigestInfo with
 * CKM_RSA_PKCS (see digest-info.ts). Whatever a backend returns is verified
 * against the certificate by the caller before it is used.
 *
 * Signature formats returned: RSA: PKCS#1 v1.5 (RSASSA-PKCS1-v1_5, EMSA over a
 * DigestInfo for `hash`); EC: DER ECDSA-Sig-Value (convert raw r‖s with
 * ecdsa-signature.ts).
 */

import type { HashAlgorithm, KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";

export interface SignRequest {
  /** The exact bytes whose signature is wanted (e.g. DER of the signed attributes as a SET). */
  readonly message: Uint8Array;
  /** hash(message) with `hash`; for backends that can only sign digests. */
  readonly digest: Uint8Array;
  readonly hash: HashAlgorithm;
}

export interface KeyBackend {
  /** Where the key lives, for logs and error messages ("local key file"); never secret. */
  readonly description: string;
  keyAlgorithm(): Promise<KeyAlgorithm>;
  /** SubjectPublicKeyInfo, DER. */
  publicKey(): Promise<Uint8Array>;
  /** RSA: PKCS#1 v1.5 signature; EC: DER ECDSA-Sig-Value. */
  sign(request: SignRequest): Promise<Uint8Array>;
  /** Releases sessions or connections (PKCS#11, KMS clients); callers that open a backend close it. */
  close?(): Promise<void>;
}
