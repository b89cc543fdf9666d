/** The key algorithm of a certificate's public key. */
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { keyAlgorithmOf, publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import type { Certificate } from "@/lib/engine/pki/certificate";

/** Throws KeyError 'key.unsupported_algorithm' for keys Signet cannot sign with (Ed25519, secp256k1, DSA…). */
export function certificateKeyAlgorithm(certificate: Certificate): KeyAlgorithm {
  return keyAlgorithmOf(publicKeyFromSpki(certificate.spki));
}

/** For display: "RSA 2048", "ECDSA P-256", or what node:crypto calls an unsupported key. */
export function describeCertificateKey(certificate: Certificate): string {
  try {
    const algorithm = certificateKeyAlgorithm(certificate);
    return algorithm.kind === "RSA" ? `RSA ${algorithm.modulusBits}` : `ECDSA ${algorithm.curve}`;
  } catch (error) {
    if (!(error instanceof KeyError)) throw error;
    try {
      const key = publicKeyFromSpki(certificate.spki);
      const details = key.asymmetricKeyDetails;
      return [
        key.asymmetricKeyType ?? "unknown",
        details?.namedCurve ?? (details?.modulusLength ? String(details.modulusLength) : ""),
      ]
        .filter(Boolean)
        .join(" ");
    } catch {
      return "unknown key type";
    }
  }
}
