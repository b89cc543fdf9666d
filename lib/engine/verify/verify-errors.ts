import { SignetError } from "@/lib/engine/errors";

/**
 * Verification stopped for a reason that is not the file's structure (those are
 * lib/pdf's errors): an internal failure, reported as a typed error instead of a crash.
 */
export class VerificationError extends SignetError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("verify.failed", message, { status: 500, cause: options.cause });
  }
}
