import { SignetError } from "@/lib/engine/errors";

/** Why a sealing step-up was refused. Stable: they are written into seal.refused audit entries. */
export const STEP_UP_ERROR_CODES = [
  "step_up.expired",
  "step_up.used",
  "step_up.mismatch",
  "step_up.wrong_user",
  "step_up.uv_required",
  "step_up.bad_assertion",
  "step_up.bad_code",
  "step_up.totp_not_allowed",
  /** The person has neither a passkey nor (where allowed) TOTP: nothing to step up with. */
  "step_up.no_method",
  /** The person may not seal in this organisation (any more). */
  "step_up.forbidden",
] as const;

export type StepUpErrorCode = (typeof STEP_UP_ERROR_CODES)[number];

const MESSAGES: Record<StepUpErrorCode, string> = {
  "step_up.expired": "This confirmation has expired (it is valid for five minutes). Press Seal again to confirm anew.",
  "step_up.used": "This confirmation was already used. Press Seal again to confirm anew.",
  "step_up.mismatch":
    "These documents, certificate or placements are not the ones you confirmed. Press Seal again to confirm what you are sealing now.",
  "step_up.wrong_user": "This confirmation belongs to another person or organisation.",
  "step_up.uv_required":
    "Your passkey did not verify you (no fingerprint, face or PIN). Try again and unlock your passkey when asked.",
  "step_up.bad_assertion":
    "Your passkey's answer could not be verified. Use one of the passkeys registered for your account and try again.",
  "step_up.bad_code":
    "That code is not correct. Enter the current 6-digit code from your authenticator app (each code works once).",
  "step_up.totp_not_allowed":
    "An authenticator code cannot be used to seal here: your organisation requires a passkey, or you have no authenticator app set up.",
  "step_up.no_method":
    "To seal, you need a passkey (or an authenticator app, where your organisation allows it). Add one on your Account page.",
  "step_up.forbidden": "You do not have permission to seal in this organisation.",
};

export class StepUpError extends SignetError {
  readonly reason: StepUpErrorCode;
  constructor(code: StepUpErrorCode, message: string = MESSAGES[code], options: { cause?: unknown } = {}) {
    super(code, message, {
      status: code === "step_up.forbidden" || code === "step_up.wrong_user" ? 403 : 400,
      cause: options.cause,
    });
    this.reason = code;
  }
}

export function isStepUpError(error: unknown): error is StepUpError {
  return error instanceof StepUpError;
}
