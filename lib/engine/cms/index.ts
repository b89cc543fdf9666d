export { estimateSignatureSize, maxSignatureLength, DEFAULT_TIMESTAMP_TOKEN_ALLOWANCE, type SignatureSizeQuery } from "@/lib/engine/cms/estimate-signature-size";
export { CmsError, type CmsErrorCode } from "@/lib/engine/cms/cms-errors";
