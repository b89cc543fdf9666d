import { formatMegabytes } from "@/lib/documents/file-size";
import { SignetError } from "@/lib/engine/errors";

/**
 * Refusals of the public verification (the page and POST /api/v1/verify), each with the
 * status the API answers and a message for a recipient who has no account.
 */
export class PublicVerifyError extends SignetError {}

export class VerifyTooLargeError extends PublicVerifyError {
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(
      "verify.too_large",
      `This file is larger than ${formatMegabytes(maxBytes)} MB, the largest PDF that can be verified here.`,
      { status: 413 },
    );
    this.maxBytes = maxBytes;
  }
}

export class VerifyRateLimitedError extends PublicVerifyError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      "verify.rate_limited",
      `Too many verifications from your network. Try again in ${minutes === 1 ? "a minute" : `${minutes} minutes`}.`,
      { status: 429 },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class VerifyUnsupportedTypeError extends PublicVerifyError {
  constructor() {
    super(
      "verify.unsupported_type",
      "Send the PDF itself as the request body, with Content-Type application/pdf or application/octet-stream.",
      { status: 415 },
    );
  }
}

export class VerifyEmptyError extends PublicVerifyError {
  constructor() {
    super("verify.empty", "No file was received. Choose a PDF and try again.", { status: 400 });
  }
}

export class VerifyBusyError extends PublicVerifyError {
  readonly retryAfterSeconds = 10;

  constructor() {
    super("verify.busy", "The verification service is busy with other files. Try again in a few seconds.", {
      status: 503,
    });
  }
}

/** The file cannot be verified: not a PDF, damaged, encrypted, over a parsing limit. Carries lib/pdf's code. */
export class VerifyUnreadableError extends PublicVerifyError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { status: code === "pdf.not_pdf" ? 400 : 422, cause: options.cause });
  }
}
