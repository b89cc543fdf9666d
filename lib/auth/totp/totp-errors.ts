import { SignetError } from "@/lib/engine/errors";

export type TotpErrorCode =
  | "totp.bad_code"
  | "totp.throttled"
  | "totp.not_enabled"
  | "totp.already_enabled"
  | "totp.no_enrolment"
  | "totp.unreadable";

const MESSAGES: Record<TotpErrorCode, string> = {
  "totp.bad_code":
    "That code is not correct. Enter the current 6-digit code from your authenticator app (each code works once).",
  "totp.throttled": "Too many wrong codes. Wait a few minutes before you try again.",
  "totp.not_enabled": "You have no authenticator app set up.",
  "totp.already_enabled":
    "An authenticator app is already set up for your account. Turn it off first to set up another one.",
  "totp.no_enrolment": "Start setting up the authenticator app again: the code you scanned is no longer pending.",
  "totp.unreadable":
    "Your authenticator app's secret can no longer be read (the server's AUTH_SECRET changed). Use a recovery code to turn it off, then set it up again.",
};

export class TotpError extends SignetError {
  constructor(code: TotpErrorCode, options: { cause?: unknown } = {}) {
    super(code, MESSAGES[code], { status: code === "totp.throttled" ? 429 : 400, cause: options.cause });
  }
}
