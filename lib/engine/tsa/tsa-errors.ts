import { SignetError } from "@/lib/engine/errors";

export type TsaErrorCode = "tsa.timeout" | "tsa.http_error" | "tsa.rejected" | "tsa.bad_response";

/** Why a bad response was refused, for tests and logs. */
export type TsaBadResponseReason =
  "malformed" | "nonce_mismatch" | "imprint_mismatch" | "signature_invalid" | "not_a_tsa_certificate" | "too_large";

export class TsaError extends SignetError {
  declare readonly code: TsaErrorCode;
  readonly reason?: TsaBadResponseReason;
  constructor(code: TsaErrorCode, message: string, options: { reason?: TsaBadResponseReason; cause?: unknown } = {}) {
    super(code, message, { status: 502, cause: options.cause });
    this.reason = options.reason;
  }
}
