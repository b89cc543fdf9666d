/**
 * Certificate enrolment, as pure functions for the enrolment screens and the
 * key custody layer: make a CSR with any KeyBackend, read the certificate the CA
 * returns (with its chain) and match it to the pending key, check it against the
 * enrolment profile, import a PKCS#12.
 */
export { createCsr, type CreateCsrInput, type Csr } from "@/lib/engine/enrolment/csr/create-csr";
export {
  csrSubjectSchema,
  parseCsrSubject,
  type CsrSubject,
  type CsrSubjectInput,
} from "@/lib/engine/enrolment/csr/csr-subject";
export {
  EXTENDED_KEY_USAGE_PURPOSES,
  type ExtendedKeyUsagePurpose,
} from "@/lib/engine/enrolment/csr/requested-extended-key-usage";
export { defaultSignatureHash } from "@/lib/engine/enrolment/csr/signature-hash";
export { parseCertificateUpload, type CertificateUpload } from "@/lib/engine/enrolment/upload/parse-certificate-upload";
export {
  readCertificateFile,
  MAX_CERTIFICATE_FILE_BYTES,
  MAX_CERTIFICATES_PER_FILE,
} from "@/lib/engine/enrolment/upload/read-certificate-file";
export { matchCertificateToKey } from "@/lib/engine/enrolment/upload/match-certificate-to-key";
export { orderChain, type OrderedChain } from "@/lib/engine/enrolment/upload/order-chain";
export {
  validateForEnrolment,
  type EnrolmentFailure,
  type EnrolmentFailureCode,
  type EnrolmentPolicy,
  type EnrolmentValidation,
  type EnrolmentValidationInput,
} from "@/lib/engine/enrolment/validation/validate-for-enrolment";
export { importPkcs12, type Pkcs12Import, type Pkcs12ImportInput } from "@/lib/engine/enrolment/pkcs12/import-pkcs12";
export { MAX_PKCS12_BYTES, MAX_PKCS12_ITERATIONS } from "@/lib/engine/enrolment/pkcs12/pkcs12-limits";
export { zeroize } from "@/lib/engine/enrolment/zeroize";
export {
  CertificateUploadError,
  CsrError,
  CsrSubjectError,
  EnrolmentCheckError,
  Pkcs12ImportError,
  type CertificateUploadErrorCode,
  type CsrErrorCode,
  type EnrolmentCheckCode,
  type Pkcs12ImportErrorCode,
} from "@/lib/engine/enrolment/enrolment-errors";
