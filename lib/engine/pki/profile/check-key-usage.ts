import type { Certificate } from "@/lib/engine/pki/certificate";
import { CertificateProfileError } from "@/lib/engine/pki/profile/profile-errors";

/**
 * keyUsage must be present with digitalSignature and nonRepudiation
 * (contentCommitment): pyHanko's default policy and other strict validators
 * reject document signers without nonRepudiation.
 */
export function checkKeyUsage(certificate: Certificate): void {
  const usage = certificate.keyUsage;
  const missing = [
    !usage?.digitalSignature ? "digitalSignature" : undefined,
    !usage?.nonRepudiation ? "nonRepudiation (contentCommitment)" : undefined,
  ].filter(Boolean);
  if (!usage) {
    throw new CertificateProfileError(
      "certificate.key_usage",
      "The certificate has no key usage extension; it needs digitalSignature and nonRepudiation.",
    );
  }
  if (missing.length) {
    throw new CertificateProfileError(
      "certificate.key_usage",
      `The certificate's key usage lacks ${missing.join(" and ")}, which document signatures need.`,
    );
  }
}
