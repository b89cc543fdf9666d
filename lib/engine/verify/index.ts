export { verifyPdf, type VerifyOptions } from "@/lib/engine/verify/verify-pdf";
export type { CertificateInput } from "@/lib/engine/verify/certificate-inputs";
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
} from "@/lib/engine/verify/verification-report";
export type {
  SignetCertificateStatus,
  SignetRecord,
  SignetRecordLookup,
  SignetRecordQuery,
  SignetSignerRecognition,
} from "@/lib/engine/verify/signet-record";
export { VerificationError } from "@/lib/engine/verify/verify-pdf";
export { MAX_SIGNATURES } from "@/lib/engine/verify/pdf-facts";
export { formatReportText } from "@/lib/engine/verify/format-report-text";
export { unreadableMessage } from "@/lib/engine/verify/unreadable-message";
export { summarize } from "@/lib/engine/verify/document-summary";
export { checkVerifiable } from "@/lib/engine/verify/pdf-facts";
