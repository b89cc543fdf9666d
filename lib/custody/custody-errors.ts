import { SignetError } from "@/lib/engine/errors";

export type CustodyErrorCode =
  | "custody.key_not_found"
  | "custody.certificate_not_found"
  | "custody.key_destroyed"
  | "custody.label_taken"
  | "custody.already_enrolled"
  | "custody.not_activatable"
  | "custody.backend_unavailable";

export class CustodyError extends SignetError {
  declare readonly code: CustodyErrorCode;
  constructor(code: CustodyErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, { status: options.status ?? 400, cause: options.cause });
  }
}
