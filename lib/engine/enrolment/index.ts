/**
 * Certificate enrolment, as pure functions for the enrolment screens and the
 * key custody layer: make a CSR with any KeyBackend, read the certificate the CA
 * returns (with its chain) and match it to the pending key, check it against the
 * enrolment profile, import a PKCS#12.
 */
export { createCsr, type CreateCsrInput, type Csr } from "./csr/create-csr";
export { csrSubjectSchema, parseCsrSubject, type CsrSubject, type CsrSubjectInput } from "./csr/csr-subject";
export { EXTENDED_KEY_USAGE_PURPOSES, type ExtendedKeyUsagePurpose } from "./csr/requested-extended-key-usage";
export { defaultSignatureHash } from "./csr/signature-hash";
export { parseCertificateUpload, type CertificateUpload } from "./upload/parse-certificate-upload";
export { readCertificateFile, MAX_CERTIFICATE_FILE_BYTES, MAX_CERTIFICATES_PER_FILE } from "./upload/read-certificate-file";
export { matchCertificateToKey } from "./upload/match-certificate-to-key";
export { orderChain, type OrderedChain } from "./upload/order-chain";
export {
  validateForEnrolment,
  type EnrolmentFailure,
  type EnrolmentFailureCode,
  type EnrolmentPolicy,
  type EnrolmentValidation,
  type EnrolmentValidationInput,
} from "./validation/validate-for-enrolment";
export { importPkcs12, type Pkcs12Import, type Pkcs12ImportInput } from "./pkcs12/import-pkcs12";
export { MAX_PKCS12_BYTES, MAX_PKCS12_ITERATIONS } from "./pkcs12/pkcs12-limits";
export { zeroize } from "./zeroize";
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
} from "./enrolment-errors";
