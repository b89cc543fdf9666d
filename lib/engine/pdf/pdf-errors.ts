import { SignetError } from "@/lib/engine/errors";

/** The file is password protected (user or owner password): we cannot add to it safely. */
export class PdfEncryptedError extends SignetError {
  constructor(options: { userPasswordRequired?: boolean; cause?: unknown } = {}) {
    super(
      "pdf.encrypted",
      options.userPasswordRequired
        ? "This PDF is protected by a password. Remove the password protection and upload it again."
        : "This PDF is encrypted (it has password protection or usage restrictions). Remove the password protection and upload it again.",
      { status: 422, cause: options.cause },
    );
  }
}

/** The file claims to be a PDF but its structure cannot be read reliably. */
export class PdfDamagedError extends SignetError {
  /** Technical detail for logs; safe to log (never contains document content beyond short tokens). */
  readonly detail: string;

  constructor(detail: string, options: { cause?: unknown; code?: string; message?: string; status?: number } = {}) {
    super(
      options.code ?? "pdf.damaged",
      options.message ??
        "This PDF is damaged and cannot be sealed. Re-export or repair it (for example by printing it to PDF) and try again.",
      { status: options.status ?? 422, cause: options.cause },
    );
    this.detail = detail;
  }
}

/**
 * Damage that independent validators refuse too (qpdf reports it, pyHanko cannot read the file):
 * a circular page tree, absurd nesting. Its message names the problem.
 */
export class PdfUnsoundStructureError extends PdfDamagedError {
  /** What is wrong, in words for the person who sent the file ("its page tree is circular …"). */
  readonly problem: string;

  constructor(problem: string, detail: string) {
    super(detail, {
      message: `This PDF is damaged: ${problem}. PDF readers and validators cannot read it reliably, so it cannot be sealed. Re-export or repair it (for example by printing it to PDF) and try again.`,
    });
    this.problem = problem;
  }
}

/** Nesting deeper than the limit: no producer writes it, and validators give up on it. */
export function tooDeeplyNested(maxDepth: number, at: number): PdfUnsoundStructureError {
  return new PdfUnsoundStructureError(
    `it nests arrays or dictionaries more than ${maxDepth} levels deep`,
    `objects nested deeper than ${maxDepth} levels at ${at}`,
  );
}

/**
 * The bytes are not a PDF at all (no %PDF- header in the first 1024 bytes, or an empty file).
 * It is a kind of damaged PDF (a file that was supposed to be one), with its own code.
 */
export class NotAPdfError extends PdfDamagedError {
  constructor(detail = "no %PDF- header in the first 1024 bytes") {
    super(detail, { code: "pdf.not_pdf", message: "This file is not a PDF document.", status: 415 });
  }
}

/** A parsing limit (nesting depth, object count, decompressed size, time) was exceeded. */
export class PdfLimitExceededError extends SignetError {
  readonly limit: string;

  constructor(limit: string) {
    super(
      "pdf.limit",
      "This PDF is too complex to process safely (it exceeds a processing limit), so it was not sealed.",
      { status: 422 },
    );
    this.limit = limit;
  }
}

/** The DER signature does not fit into the reserved /Contents placeholder. */
export class PlaceholderTooSmallError extends SignetError {
  readonly capacity: number;
  readonly required: number;

  constructor(required: number, capacity: number) {
    super(
      "pdf.placeholder_too_small",
      `The signature (${required} bytes) does not fit into the space reserved for it (${capacity} bytes).`,
      { status: 500 },
    );
    this.required = required;
    this.capacity = capacity;
  }
}

/** The caller asked for something the document cannot give (a page that does not exist, a taken field name, a bad rectangle). */
export class SignatureRequestError extends SignetError {
  constructor(
    code:
      "pdf.bad_page" | "pdf.field_exists" | "pdf.bad_field_name" | "pdf.bad_rect" | "pdf.bad_image" | "pdf.bad_request",
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, { status: 422, cause: options.cause });
  }
}
