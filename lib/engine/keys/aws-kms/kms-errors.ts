/**
 * Typed errors of the AWS KMS backend. Each carries a stable code, a message an
 * organisation admin can act on, and the facts an audit entry needs (which key,
 * which region, which KMS operation, AWS's error name and request id). Nothing in
 * an error (message, fields or cause) ever holds credentials: the SDK's own
 * exception is replaced by a plain summary before it is attached as `cause`.
 */
import { SignetError } from "@/lib/engine/errors";

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

const STATUS: Record<KmsErrorCode, number> = {
  "kms.invalid_reference": 400,
  "kms.access_denied": 409,
  "kms.bad_credentials": 502,
  "kms.key_disabled": 409,
  "kms.key_pending_deletion": 409,
  "kms.key_state": 409,
  "kms.not_found": 409,
  "kms.throttled": 503,
  "kms.timeout": 504,
  "kms.unavailable": 502,
  "kms.unsupported_key": 400,
  "kms.invalid_key_usage": 400,
  "kms.unsupported_hash": 400,
  "kms.signature_invalid": 502,
};

export class KmsError extends SignetError {
  declare readonly code: KmsErrorCode;
  readonly keyId: string;
  readonly region: string;
  readonly operation: KmsOperation | undefined;
  readonly awsErrorName: string | undefined;
  readonly awsRequestId: string | undefined;

  constructor(code: KmsErrorCode, message: string, details: KmsErrorDetails, options: { cause?: unknown } = {}) {
    super(code, message, { status: STATUS[code], cause: options.cause });
    this.keyId = details.keyId;
    this.region = details.region;
    this.operation = details.operation;
    this.awsErrorName = details.awsErrorName;
    this.awsRequestId = details.awsRequestId;
  }
}

export function isKmsError(error: unknown): error is KmsError {
  return error instanceof KmsError;
}
