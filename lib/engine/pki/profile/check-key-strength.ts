import { MIN_RSA_BITS } from "@/lib/engine/crypto/key-algorithm";
import type { Certificate } from "@/lib/engine/pki/certificate";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { certificateKeyAlgorithm, describeCertificateKey } from "@/lib/engine/pki/certificate-key-algorithm";
import { CertificateProfileError } from "@/lib/engine/pki/profile/profile-errors";

/** RSA keys have at least 2048 bits. */
export function checkRsaKeySize(algorithm: KeyAlgorithm): void {
  if (algorithm.kind === "RSA" && algorithm.modulusBits < MIN_RSA_BITS) {
    throw new CertificateProfileError(
      "certificate.weak_rsa_key",
      `The RSA key has ${algorithm.modulusBits} bits; at least ${MIN_RSA_BITS} are required.`,
    );
  }
}

/** EC keys are on P-256, P-384 or P-521 (keyAlgorithmOf rejects other curves). */
export function checkCurve(algorithm: KeyAlgorithm): void {
  if (algorithm.kind === "EC" && !["P-256", "P-384", "P-521"].includes(algorithm.curve)) {
    throw new CertificateProfileError(
      "certificate.unsupported_curve",
      `The elliptic curve ${algorithm.curve} is not supported; use P-256, P-384 or P-521.`,
    );
  }
}

/** The certificate's key is RSA ≥ 2048 or ECDSA on P-256/P-384/P-521. */
export function checkKeyStrength(certificate: Certificate): void {
  let algorithm: KeyAlgorithm;
  try {
    algorithm = certificateKeyAlgorithm(certificate);
  } catch {
    const description = describeCertificateKey(certificate);
    if (description.startsWith("ec ")) {
      throw new CertificateProfileError(
        "certificate.unsupported_curve",
        `The elliptic curve ${description.slice(3)} is not supported; use P-256, P-384 or P-521.`,
      );
    }
    throw new CertificateProfileError(
      "certificate.unsupported_key",
      `Keys of type ${description} are not supported; use RSA (2048 bits or more) or ECDSA.`,
    );
  }
  checkRsaKeySize(algorithm);
  checkCurve(algorithm);
}
