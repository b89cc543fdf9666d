/**
 * Logging a session in as the token's user, under PKCS#11's rule that login state
 * belongs to the application, not the session: once one session of this process
 * is logged in to a token, every session of the process on that token is, and a
 * further C_Login returns CKR_USER_ALREADY_LOGGED_IN whatever PIN it is given.
 *
 * Accepting that answer would let a second key reference with a wrong PIN use a
 * token some other reference unlocked. So the module keeps, per token, a keyed
 * fingerprint of the PIN that logged it in (HMAC-SHA-256 under a key that exists
 * only in this process's memory) and the number of our sessions relying on it.
 * A session joining a logged-in token must present the same PIN; a different one
 * is refused as incorrect without reaching the token (and without spending one of
 * its PIN attempts).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Handle, Pkcs11Api } from "@/lib/engine/keys/pkcs11/pkcs11-binding";
import { CKF, CKR, CKS, CKU } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import { Pkcs11Error, type Pkcs11ErrorDetails } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import { ckrOf, pkcs11Error, toPkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";

export interface TokenLogin {
  readonly fingerprint: Buffer;
  /** Our open sessions on this token that rely on the login. */
  sessions: number;
}

const PROCESS_KEY = randomBytes(32);

function fingerprintOf(pin: string): Buffer {
  return createHmac("sha256", PROCESS_KEY).update(pin, "utf8").digest();
}

function isUserSession(api: Pkcs11Api, session: Handle): boolean {
  try {
    const { state } = api.C_GetSessionInfo(session);
    return state === CKS.RO_USER_FUNCTIONS || state === CKS.RW_USER_FUNCTIONS;
  } catch {
    return false;
  }
}

/** After a refused PIN: is the PIN now locked, or close to it? (CK_TOKEN_INFO flags; not every token keeps them.) */
function refusedPinError(api: Pkcs11Api, slot: Handle, error: unknown, context: Pkcs11ErrorDetails): Pkcs11Error {
  let flags = 0;
  try {
    flags = api.C_GetTokenInfo(slot).flags;
  } catch {
    // Keep the original error.
  }
  if (ckrOf(error) === CKR.PIN_INCORRECT && flags & CKF.USER_PIN_LOCKED) {
    return pkcs11Error(
      "pkcs11.pin_locked",
      { ...context, ckr: "CKR_PIN_INCORRECT" },
      { reason: "the wrong attempt just made locked it" },
    );
  }
  return toPkcs11Error(error, context, {
    pinCountLow: (flags & CKF.USER_PIN_COUNT_LOW) !== 0,
    pinFinalTry: (flags & CKF.USER_PIN_FINAL_TRY) !== 0,
  });
}

function login(api: Pkcs11Api, slot: Handle, session: Handle, pin: string, context: Pkcs11ErrorDetails): void {
  const ctx = { ...context, operation: "C_Login" };
  try {
    api.C_Login(session, CKU.USER, pin);
  } catch (error) {
    if (ckrOf(error) !== CKR.USER_ALREADY_LOGGED_IN) throw refusedPinError(api, slot, error, ctx);
    // Logged in by something outside this bookkeeping: none of our sessions rely on it, so log out and check the PIN ourselves.
    try {
      api.C_Logout(session);
      api.C_Login(session, CKU.USER, pin);
    } catch (again) {
      throw refusedPinError(api, slot, again, ctx);
    }
  }
}

/** Makes `session` a user session with `pin`, and records that it relies on the token's login. */
export function loginSession(
  api: Pkcs11Api,
  logins: Map<string, TokenLogin>,
  slot: Handle,
  session: Handle,
  pin: string,
  context: Pkcs11ErrorDetails,
): void {
  const slotKey = slot.toString("hex");
  const fingerprint = fingerprintOf(pin);
  const record = logins.get(slotKey);
  if (record && isUserSession(api, session)) {
    if (!timingSafeEqual(record.fingerprint, fingerprint)) {
      throw new Pkcs11Error(
        "pkcs11.pin_incorrect",
        `The PIN Signet was given for the token ${context.token ?? ""} is not the PIN this Signet process is already logged in to ` +
          "that token with (PKCS#11 keeps one login per token and process, so Signet compares the PINs itself; the token was not asked " +
          "and no PIN attempt was used). Correct the PIN in the secret or environment variable it comes from. If the PIN was changed " +
          "on the token, update every key reference on this token, then restart Signet. Nothing was signed.",
        { ...context, operation: "C_Login" },
      );
    }
    record.sessions += 1;
    return;
  }
  // No login yet, or it was lost (the token was reset): log in, keeping the count of our sessions that will rely on it.
  login(api, slot, session, pin, context);
  logins.set(slotKey, { fingerprint, sessions: (record?.sessions ?? 0) + 1 });
}

/** A session that relied on the token's login was closed. */
export function forgetSessionLogin(logins: Map<string, TokenLogin>, slot: Handle): void {
  const slotKey = slot.toString("hex");
  const record = logins.get(slotKey);
  if (!record) return;
  record.sessions -= 1;
  if (record.sessions <= 0) logins.delete(slotKey);
}
