export { verifyPdf, type VerifyOptions } from "./verify-pdf";
export type { CertificateInput } from "./certificate-inputs";
export type {
  ByteRangeReport,
  CertificateReport,
  ChainReport,
  ChangesAfterReport,
  DocumentSummary,
  IntegrityReport,
  LaterRevisionReport,
  LtvReport,
  PadesLevel,
  PadesReport,
  RevocationCoverage,
  SignatureKind,
  SignatureReport,
  TimestampInfo,
  TrustStatus,
  Verdict,
  VerificationReport,
} from "./verification-report";
export type { SignetCertificateStatus, SignetRecord, SignetRecordLookup, SignetRecordQuery, SignetSignerRecognition } from "./signet-record";
export { VerificationError } from "./verify-pdf";
export { MAX_SIGNATURES } from "./pdf-facts";
export { formatReportText } from "./format-report-text";
export { unreadableMessage } from "./unreadable-message";
export { summarize } from "./document-summary";
export { checkVerifiable } from "./pdf-facts";
