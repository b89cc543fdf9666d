import { createHash } from "node:crypto";

/** The public key's fingerprint: SHA-256 of its SubjectPublicKeyInfo DER, hex. */
export function spkiSha256(spki: Uint8Array): string {
  return createHash("sha256").update(spki).digest("hex");
}
