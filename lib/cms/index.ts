export { createPadesSignature, signPades, type PadesSignature, type PadesSignatureRequest } from "./create-pades-signature";
export { estimateSignatureSize, maxSignatureLength, DEFAULT_TIMESTAMP_TOKEN_ALLOWANCE, type SignatureSizeQuery } from "./estimate-signature-size";
export {
  verifyCmsSignature,
  type CmsVerification,
  type CmsVerificationRequest,
  type ContentDigestSource,
  type PadesLevelHint,
  type TimestampReport,
} from "./verify-cms-signature";
export { CmsError, type CmsErrorCode } from "./cms-errors";
