import { SignetError } from "@/lib/engine/errors";

export type AuditErrorCode =
  | "audit.bad_filter"
  | "audit.siem_url"
  | "audit.siem_secret"
  | "audit.siem_unreadable"
  | "audit.siem_not_configured"
  | "audit.empty_chain"
  | "audit.signing_key_unreadable"
  | "audit.bad_checkpoint";

/** Errors of the audit view, export, SIEM forwarding and checkpoints. Messages never hold secrets. */
export class AuditError extends SignetError {
  declare readonly code: AuditErrorCode;
  readonly field?: string;
  constructor(
    code: AuditErrorCode,
    message: string,
    options: { status?: number; cause?: unknown; field?: string } = {},
  ) {
    super(code, message, { status: options.status ?? 400, cause: options.cause });
    this.field = options.field;
  }
}
