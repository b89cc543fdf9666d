/**
 * Every error Signet raises on purpose is a SignetError: a stable machine code,
 * and a message written for the person who will read it. The message must never
 * contain secrets (keys, passwords, tokens); callers put detail in `cause` only
 * when it is safe to log.
 */
export class SignetError extends Error {
  readonly code: string;
  /** HTTP-ish status the web layer may use when it renders this error. */
  readonly status: number;

  constructor(code: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 400;
  }
}

export function isSignetError(error: unknown): error is SignetError {
  return error instanceof SignetError;
}

/** The message that may be shown to a user for any thrown value. */
export function userMessage(error: unknown): string {
  return isSignetError(error)
    ? error.message
    : "Something went wrong on our side. Nothing was changed; please try again.";
}
