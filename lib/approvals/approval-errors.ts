import { SignetError } from "@/lib/engine/errors";

export type ApprovalErrorCode =
  "approval.not_found" | "approval.closed" | "approval.own_request" | "approval.already_decided" | "approval.duplicate";

export class ApprovalError extends SignetError {
  declare readonly code: ApprovalErrorCode;
  readonly field?: string;
  constructor(code: ApprovalErrorCode, message: string, options: { status?: number; field?: string } = {}) {
    super(code, message, { status: options.status ?? (code === "approval.not_found" ? 404 : 409) });
    if (options.field !== undefined) this.field = options.field;
  }
}
