/**
 * Turns what the pkcs11js binding threw (a Pkcs11Error carrying a CKR_* value, or
 * a NativeError) into a Pkcs11Error of ours. The binding's exception is not kept:
 * it is replaced by a plain Error naming only the function and the CKR_* value,
 * so nothing of the call's arguments can travel with the error into logs.
 */
import { CKR, ckrName } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import { Pkcs11Error, type Pkcs11ErrorCode, type Pkcs11ErrorDetails } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import { pkcs11ErrorMessage, type Pkcs11MessageFacts } from "@/lib/engine/keys/pkcs11/pkcs11-error-messages";

interface BindingErrorFacts {
  /** The CKR_* value, when the module returned one. */
  ckr: number | undefined;
  method: string | undefined;
  /** The binding's own text (a CKR name or a loader message); for `cause` only. */
  text: string;
}

/** What a thrown value from pkcs11js says, read structurally (its classes are not imported). */
export function bindingErrorFacts(error: unknown): BindingErrorFacts {
  if (typeof error !== "object" || error === null) return { ckr: undefined, method: undefined, text: String(error) };
  const record = error as Record<string, unknown>;
  const message = typeof record.message === "string" ? record.message : "";
  const named = /^(CKR_[A-Z0-9_]+)$/.exec(message);
  const ckr =
    typeof record.code === "number" && (named || record.name === "Pkcs11Error") && record.code !== 0
      ? record.code
      : undefined;
  const method = typeof record.method === "string" && record.method ? record.method : undefined;
  return { ckr, method, text: message.split("\n")[0]?.slice(0, 200) ?? "" };
}

const BY_CKR: ReadonlyMap<number, { code: Pkcs11ErrorCode; reason?: string }> = new Map([
  [CKR.PIN_INCORRECT, { code: "pkcs11.pin_incorrect" }],
  [CKR.PIN_INVALID, { code: "pkcs11.pin_incorrect", reason: "the PIN contains characters the token does not accept" }],
  [CKR.PIN_LEN_RANGE, { code: "pkcs11.pin_incorrect", reason: "the PIN is too short or too long for this token" }],
  [CKR.PIN_LOCKED, { code: "pkcs11.pin_locked" }],
  [CKR.PIN_EXPIRED, { code: "pkcs11.pin_locked", reason: "it has expired and must be changed with the token's tools" }],
  [
    CKR.USER_PIN_NOT_INITIALIZED,
    { code: "pkcs11.pin_locked", reason: "the token has no user PIN yet (the security officer must set one)" },
  ],
  [CKR.TOKEN_NOT_PRESENT, { code: "pkcs11.token_not_found", reason: "the token was removed or disconnected" }],
  [CKR.TOKEN_NOT_RECOGNIZED, { code: "pkcs11.token_not_found", reason: "the library does not recognise the token" }],
  [CKR.SLOT_ID_INVALID, { code: "pkcs11.token_not_found", reason: "the slot no longer exists" }],
  [CKR.DEVICE_REMOVED, { code: "pkcs11.token_not_found", reason: "the device was removed" }],
  [CKR.KEY_HANDLE_INVALID, { code: "pkcs11.key_not_found", reason: "the key disappeared from the token" }],
  [CKR.OBJECT_HANDLE_INVALID, { code: "pkcs11.key_not_found", reason: "the key disappeared from the token" }],
  [
    CKR.KEY_FUNCTION_NOT_PERMITTED,
    { code: "pkcs11.unsupported_key", reason: "the token does not allow this key to sign" },
  ],
  [
    CKR.KEY_TYPE_INCONSISTENT,
    { code: "pkcs11.unsupported_key", reason: "the key's type does not fit the signing mechanism" },
  ],
  [CKR.KEY_SIZE_RANGE, { code: "pkcs11.unsupported_key", reason: "the token does not support this key size" }],
  [
    CKR.MECHANISM_INVALID,
    { code: "pkcs11.unsupported_key", reason: "the token refused the signing mechanism for this key" },
  ],
]);

/** A plain, argument-free stand-in for the binding's exception, for `cause`. */
function summary(facts: BindingErrorFacts, operation: string | undefined): Error {
  const what = facts.ckr !== undefined ? ckrName(facts.ckr) : facts.text || "error";
  const error = new Error(`${operation ?? facts.method ?? "PKCS#11"}: ${what}`);
  error.name = "Pkcs11ModuleError";
  return error;
}

/** The CKR_* value a thrown binding error carries, if any. */
export function ckrOf(error: unknown): number | undefined {
  return bindingErrorFacts(error).ckr;
}

export function toPkcs11Error(
  error: unknown,
  context: Pkcs11ErrorDetails,
  extra: Partial<Pkcs11MessageFacts> = {},
): Pkcs11Error {
  if (error instanceof Pkcs11Error) return error;
  const facts = bindingErrorFacts(error);
  const operation = context.operation ?? facts.method;
  const mapped = facts.ckr !== undefined ? BY_CKR.get(facts.ckr) : undefined;
  const code = mapped?.code ?? "pkcs11.device_error";
  const details: Pkcs11ErrorDetails = {
    ...context,
    operation,
    ckr: facts.ckr !== undefined ? ckrName(facts.ckr) : undefined,
  };
  const message = pkcs11ErrorMessage(code, { ...details, reason: mapped?.reason, ...extra });
  return new Pkcs11Error(code, message, details, { cause: summary(facts, operation) });
}

/** A Pkcs11Error that did not come from the binding (a missing key, a bad signature, a bad reference). */
export function pkcs11Error(
  code: Pkcs11ErrorCode,
  context: Pkcs11ErrorDetails,
  extra: Partial<Pkcs11MessageFacts> = {},
  options: { cause?: unknown } = {},
): Pkcs11Error {
  return new Pkcs11Error(code, pkcs11ErrorMessage(code, { ...context, ...extra }), context, options);
}
