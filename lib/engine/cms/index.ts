export { estimateSignatureSize, maxSignatureLength, DEFAULT_TIMESTAMP_TOKEN_ALLOWANCE, type SignatureSizeQuery } from "./estimate-signature-size";
export { CmsError, type CmsErrorCode } from "./cms-errors";
