/**
 * Typed errors of enrolment: making a CSR, reading an uploaded certificate file,
 * importing a PKCS#12, and the chain checks that complement lib/pki's profile
 * checks. Messages are for the org admin in front of the enrolment screen; they
 * never contain key material or passwords.
 */
import { SignetError } from "@/lib/engine/errors";

export type CsrErrorCode = "csr.invalid_subject" | "csr.invalid_extended_key_usage" | "csr.signature_invalid";

export class CsrError extends SignetError {
  declare readonly code: CsrErrorCode;
  constructor(code: CsrErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, { status: 422, ...options });
  }
}

/** A subject field the form must show again: `field` is its name in CsrSubjectInput ("commonName", "country", …). */
export class CsrSubjectError extends CsrError {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super("csr.invalid_subject", message);
    this.field = field;
  }
}

export type CertificateUploadErrorCode =
  | "upload.too_large"
  | "upload.unreadable"
  | "upload.no_certificate"
  | "upload.too_many_certificates"
  | "upload.contains_private_key"
  | "upload.is_certificate_request"
  | "upload.is_pkcs12"
  | "upload.key_mismatch";

export class CertificateUploadError extends SignetError {
  declare readonly code: CertificateUploadErrorCode;
  constructor(code: CertificateUploadErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { status: code === "upload.too_large" ? 413 : 422, ...options });
  }
}

export type EnrolmentCheckCode =
  "enrolment.chain_incomplete" | "enrolment.chain_issuer_not_ca" | "enrolment.chain_certificate_not_valid";

/** One failed chain check (the certificate's own checks are lib/pki's CertificateProfileError). */
export class EnrolmentCheckError extends SignetError {
  declare readonly code: EnrolmentCheckCode;
  constructor(code: EnrolmentCheckCode, message: string) {
    super(code, message, { status: 422 });
  }
}

export type Pkcs12ImportErrorCode = "pkcs12.too_large" | "pkcs12.excessive_iterations";

/** Limits checked before a PKCS#12 is decrypted (the decryption errors are lib/keys' KeyError). */
export class Pkcs12ImportError extends SignetError {
  declare readonly code: Pkcs12ImportErrorCode;
  constructor(code: Pkcs12ImportErrorCode, message: string) {
    super(code, message, { status: code === "pkcs12.too_large" ? 413 : 422 });
  }
}
