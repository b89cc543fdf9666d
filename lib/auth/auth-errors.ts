import { SignetError } from "@/lib/engine/errors";

export class InvalidCredentialsError extends SignetError {
  constructor() {
    super("auth.invalid_credentials", "The email address or password is not correct.", { status: 401 });
  }
}

export class SignInThrottledError extends SignetError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      "auth.throttled",
      `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      { status: 429 },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class SetupClosedError extends SignetError {
  constructor() {
    super(
      "setup.closed",
      "Signet is already set up. Sign in, or ask an administrator of your organisation for an invitation.",
      { status: 409 },
    );
  }
}

export class InvitationUnusableError extends SignetError {
  constructor(reason: "unknown" | "expired" | "used" | "revoked") {
    const messages = {
      unknown: "This invitation link is not valid. Check that you copied the whole link, or ask for a new invitation.",
      expired: "This invitation has expired. Ask an administrator of the organisation for a new one.",
      used: "This invitation has already been used. Sign in instead, or ask for a new invitation.",
      revoked: "This invitation was withdrawn. Ask an administrator of the organisation for a new one.",
    } as const;
    super(`invitation.${reason}`, messages[reason], { status: 410 });
  }
}
