import { SignetError } from "@/lib/engine/errors";

export type SealingErrorCode =
  | "sealing.forbidden"
  | "sealing.certificate_unusable"
  | "sealing.document_unavailable"
  | "sealing.bad_placement"
  | "sealing.backend_unavailable"
  | "sealing.busy"
  | "sealing.bad_request";

/** A sealing request refused before anything was sealed. The message is for the person; the code goes to the audit log. */
export class SealingError extends SignetError {
  declare readonly code: SealingErrorCode;
  constructor(code: SealingErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, { status: options.status ?? 409, cause: options.cause });
  }
}
