import { SignetError } from "../errors";

export type SealErrorCode = "seal.bad_request" | "seal.placeholder_overflow";

export class SealError extends SignetError {
  override readonly code: SealErrorCode;
  constructor(code: SealErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, options);
    this.code = code;
  }
}
