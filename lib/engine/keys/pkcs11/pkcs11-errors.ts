/**
 * Typed errors of the PKCS#11 backend. Each carries a stable code, a message an
 * administrator can act on, and the facts an audit entry needs (which module,
 * token and key, which PKCS#11 function, the CKR_* value). Nothing in an error
 * (message, fields or cause) ever holds the PIN: the binding's exception is
 * replaced by a plain summary (function name and CKR_* name) before it is
 * attached as `cause`.
 */
import { SignetError } from "@/lib/engine/errors";

export type Pkcs11ErrorCode =
  | "pkcs11.invalid_reference"
  | "pkcs11.binding_unavailable"
  | "pkcs11.module_not_found"
  | "pkcs11.token_not_found"
  | "pkcs11.pin_incorrect"
  | "pkcs11.pin_locked"
  | "pkcs11.key_not_found"
  | "pkcs11.ambiguous"
  | "pkcs11.unsupported_key"
  | "pkcs11.device_error"
  | "pkcs11.signature_invalid";

export interface Pkcs11ErrorDetails {
  /** The PKCS#11 library path as configured. Never secret. */
  modulePath: string;
  /** The token as configured: `"label"` or `slot N`. */
  token?: string;
  /** The key as configured: `label "…"`, `id 0a0b`, or both. */
  key?: string;
  /** The PKCS#11 function that failed, e.g. "C_Login". */
  operation?: string;
  /** The CKR_* name the module returned, e.g. "CKR_PIN_INCORRECT". */
  ckr?: string;
}

const STATUS: Record<Pkcs11ErrorCode, number> = {
  "pkcs11.invalid_reference": 400,
  "pkcs11.binding_unavailable": 500,
  "pkcs11.module_not_found": 502,
  "pkcs11.token_not_found": 409,
  "pkcs11.pin_incorrect": 409,
  "pkcs11.pin_locked": 409,
  "pkcs11.key_not_found": 409,
  "pkcs11.ambiguous": 409,
  "pkcs11.unsupported_key": 400,
  "pkcs11.device_error": 502,
  "pkcs11.signature_invalid": 502,
};

export class Pkcs11Error extends SignetError {
  declare readonly code: Pkcs11ErrorCode;
  readonly modulePath: string;
  readonly token: string | undefined;
  readonly key: string | undefined;
  readonly operation: string | undefined;
  readonly ckr: string | undefined;

  constructor(code: Pkcs11ErrorCode, message: string, details: Pkcs11ErrorDetails, options: { cause?: unknown } = {}) {
    super(code, message, { status: STATUS[code], cause: options.cause });
    this.modulePath = details.modulePath;
    this.token = details.token;
    this.key = details.key;
    this.operation = details.operation;
    this.ckr = details.ckr;
  }
}

export function isPkcs11Error(error: unknown): error is Pkcs11Error {
  return error instanceof Pkcs11Error;
}
