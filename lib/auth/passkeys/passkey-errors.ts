import { SignetError } from "@/lib/engine/errors";

export type PasskeyErrorCode =
  | "passkey.challenge_unusable"
  | "passkey.invalid_response"
  | "passkey.not_verified"
  | "passkey.already_registered"
  | "passkey.too_many"
  | "passkey.not_found"
  | "passkey.sign_in_failed";

const MESSAGES: Record<PasskeyErrorCode, string> = {
  "passkey.challenge_unusable": "This passkey request has expired or was already used. Start again.",
  "passkey.invalid_response": "Your browser sent a passkey response Signet could not read. Try again.",
  "passkey.not_verified":
    "The passkey could not be verified. Make sure your device asks for your fingerprint, face or PIN, and try again.",
  "passkey.already_registered": "This passkey is already registered.",
  "passkey.too_many": "You have reached the limit of passkeys for one account. Remove one you no longer use first.",
  "passkey.not_found": "That passkey was not found.",
  "passkey.sign_in_failed":
    "Signing in with this passkey did not work. Use a passkey registered for your Signet account, or sign in with your password.",
};

export class PasskeyError extends SignetError {
  declare readonly code: PasskeyErrorCode;
  constructor(code: PasskeyErrorCode, options: { cause?: unknown; status?: number } = {}) {
    super(code, MESSAGES[code], { status: options.status ?? 400, cause: options.cause });
  }
}
