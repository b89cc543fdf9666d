/**
 * Typed errors of the PKCS#11 backend. Each carries a stable code, a message an
 * administrator can act on, and the facts an audit entry needs (which module,
 * token and key, which PKCS#11 function, the CKR_* value). Nothing in an error
 * (message, fields or cause) ever holds the PIN: the binding's exception is
 * replaced by a plain summary (function name and CKR_* name) before it is
 * attached as `cause`.
 */
import { KeyBackendError } from "@/lib/engine/keys/key-backend-error";

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

/** HTTP-ish status, and whether trying again unchanged may succeed (KeyBackendError.transient). */
const CODES: Record<Pkcs11ErrorCode, { status: number; transient: boolean }> = {
  "pkcs11.invalid_reference": { status: 400, transient: false },
  "pkcs11.binding_unavailable": { status: 500, transient: false },
  "pkcs11.module_not_found": { status: 502, transient: false },
  "pkcs11.token_not_found": { status: 409, transient: false },
  "pkcs11.pin_incorrect": { status: 409, transient: false },
  "pkcs11.pin_locked": { status: 409, transient: false },
  "pkcs11.key_not_found": { status: 409, transient: false },
  "pkcs11.ambiguous": { status: 409, transient: false },
  "pkcs11.unsupported_key": { status: 400, transient: false },
  "pkcs11.device_error": { status: 502, transient: true },
  "pkcs11.signature_invalid": { status: 502, transient: false },
};

export class Pkcs11Error extends KeyBackendError {
  declare readonly code: Pkcs11ErrorCode;
  readonly modulePath: string;
  readonly token: string | undefined;
  readonly key: string | undefined;
  readonly operation: string | undefined;
  readonly ckr: string | undefined;

  constructor(code: Pkcs11ErrorCode, message: string, details: Pkcs11ErrorDetails, options: { cause?: unknown } = {}) {
    super(
      code,
      message,
      { backend: "PKCS11", transient: CODES[code].transient },
      { status: CODES[code].status, cause: options.cause },
    );
    this.modulePath = details.modulePath;
    this.token = details.token;
    this.key = details.key;
    this.operation = details.operation;
    this.ckr = details.ckr;
  }
}
