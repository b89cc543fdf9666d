import type { Certificate } from "../certificate";
import { isSelfSigned } from "../self-signed";
import { CertificateProfileError } from "./profile-errors";

/** Self-signed signer certificates are refused unless the organisation's testing policy allows them. */
export function checkSelfSigned(certificate: Certificate, options: { allowSelfSigned?: boolean } = {}): void {
  if (!options.allowSelfSigned && isSelfSigned(certificate)) {
    throw new CertificateProfileError(
      "certificate.self_signed",
      "The certificate is self-signed. Self-signed certificates are for testing only; turn on the testing policy to use one.",
    );
  }
}
