import { SignetError } from "@/lib/engine/errors";

export type CmsErrorCode =
  | "cms.key_certificate_mismatch"
  | "cms.signature_mismatch"
  | "cms.bad_digest"
  | "cms.unsupported_algorithm"
  | "cms.malformed"
  | "cms.timestamp_mismatch";

export class CmsError extends SignetError {
  declare readonly code: CmsErrorCode;
  constructor(code: CmsErrorCode, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(code, message, options);
  }
}
