import type { Certificate } from "@/lib/engine/pki/certificate";
import { CertificateProfileError } from "@/lib/engine/pki/profile/profile-errors";

/** The certificate is valid at `at` (default: now). */
export function checkValidityWindow(certificate: Certificate, at: Date = new Date()): void {
  if (at < certificate.notBefore) {
    throw new CertificateProfileError(
      "certificate.not_yet_valid",
      `The certificate is not valid before ${certificate.notBefore.toISOString()}.`,
    );
  }
  if (at > certificate.notAfter) {
    throw new CertificateProfileError(
      "certificate.expired",
      `The certificate expired on ${certificate.notAfter.toISOString()}.`,
    );
  }
}
