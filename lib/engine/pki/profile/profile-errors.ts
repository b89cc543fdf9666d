import { SignetError } from "@/lib/engine/errors";

export type CertificateProfileErrorCode =
  | "certificate.key_mismatch"
  | "certificate.not_yet_valid"
  | "certificate.expired"
  | "certificate.key_usage"
  | "certificate.extended_key_usage"
  | "certificate.weak_rsa_key"
  | "certificate.unsupported_curve"
  | "certificate.unsupported_key"
  | "certificate.weak_signature_algorithm"
  | "certificate.self_signed";

/** One failed enrolment check: a stable code and a message for the admin who uploaded the certificate. */
export class CertificateProfileError extends SignetError {
  declare readonly code: CertificateProfileErrorCode;
  constructor(code: CertificateProfileErrorCode, message: string) {
    super(code, message, { status: 422 });
  }
}
