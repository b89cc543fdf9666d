/**
 * Typed errors of the AWS KMS backend. Each carries a stable code, a message an
 * organisation admin can act on, and the facts an audit entry needs (which key,
 * which region, which KMS operation, AWS's error name and request id). Nothing in
 * an error (message, fields or cause) ever holds credentials: the SDK's own
 * exception is replaced by a plain summary before it is attached as `cause`.
 */
import { KeyBackendError } from "@/lib/engine/keys/key-backend-error";

export type KmsErrorCode =
  | "kms.invalid_reference"
  | "kms.access_denied"
  | "kms.bad_credentials"
  | "kms.key_disabled"
  | "kms.key_pending_deletion"
  | "kms.key_state"
  | "kms.not_found"
  | "kms.throttled"
  | "kms.timeout"
  | "kms.unavailable"
  | "kms.unsupported_key"
  | "kms.invalid_key_usage"
  | "kms.unsupported_hash"
  | "kms.signature_invalid";

export type KmsOperation = "DescribeKey" | "GetPublicKey" | "Sign" | "AssumeRole";

export interface KmsErrorDetails {
  /** The key as Signet refers to it (key ARN once registered). Never secret. */
  keyId: string;
  region: string;
  operation?: KmsOperation;
  /** AWS's exception name, e.g. "AccessDeniedException". */
  awsErrorName?: string;
  awsRequestId?: string;
}

/** HTTP-ish status, and whether trying again unchanged may succeed (KeyBackendError.transient). */
const CODES: Record<KmsErrorCode, { status: number; transient: boolean }> = {
  "kms.invalid_reference": { status: 400, transient: false },
  "kms.access_denied": { status: 409, transient: false },
  "kms.bad_credentials": { status: 502, transient: false },
  "kms.key_disabled": { status: 409, transient: false },
  "kms.key_pending_deletion": { status: 409, transient: false },
  "kms.key_state": { status: 409, transient: false },
  "kms.not_found": { status: 409, transient: false },
  "kms.throttled": { status: 503, transient: true },
  "kms.timeout": { status: 504, transient: true },
  "kms.unavailable": { status: 502, transient: true },
  "kms.unsupported_key": { status: 400, transient: false },
  "kms.invalid_key_usage": { status: 400, transient: false },
  "kms.unsupported_hash": { status: 400, transient: false },
  "kms.signature_invalid": { status: 502, transient: false },
};

export class KmsError extends KeyBackendError {
  declare readonly code: KmsErrorCode;
  readonly keyId: string;
  readonly region: string;
  readonly operation: KmsOperation | undefined;
  readonly awsErrorName: string | undefined;
  readonly awsRequestId: string | undefined;

  constructor(code: KmsErrorCode, message: string, details: KmsErrorDetails, options: { cause?: unknown } = {}) {
    super(
      code,
      message,
      { backend: "AWS_KMS", transient: CODES[code].transient },
      { status: CODES[code].status, cause: options.cause },
    );
    this.keyId = details.keyId;
    this.region = details.region;
    this.operation = details.operation;
    this.awsErrorName = details.awsErrorName;
    this.awsRequestId = details.awsRequestId;
  }
}
