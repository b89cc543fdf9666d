import type { Certificate } from "@/lib/engine/pki/certificate";
import { isSelfSigned } from "@/lib/engine/pki/self-signed";
import { CertificateProfileError } from "@/lib/engine/pki/profile/profile-errors";

/** Self-signed signer certificates are refused unless the organisation's testing policy allows them. */
export function checkSelfSigned(certificate: Certificate, options: { allowSelfSigned?: boolean } = {}): void {
  if (!options.allowSelfSigned && isSelfSigned(certificate)) {
    throw new CertificateProfileError(
      "certificate.self_signed",
      "The certificate is self-signed. Self-signed certificates are for testing only; turn on the testing policy to use one.",
    );
  }
}
