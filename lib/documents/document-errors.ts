import { formatMegabytes } from "@/lib/documents/file-size";
import { SignetError } from "@/lib/engine/errors";

export type DocumentErrorCode =
  | "document.too_large"
  | "document.not_found"
  | "document.bad_key"
  | "document.storage"
  | "document.storage_denied"
  | "document.storage_no_bucket"
  | "document.storage_unreachable"
  | "document.bad_name";

/** Problems with stored documents and uploads. Messages are for the person; they never contain document content. */
export class DocumentError extends SignetError {
  declare readonly code: DocumentErrorCode;
  constructor(code: DocumentErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, { status: options.status ?? 400, cause: options.cause });
  }
}

/** The body grew past the limit while it was being written; what was written is gone. */
export class UploadTooLargeError extends DocumentError {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super("document.too_large", `This file is too large (limit ${formatMegabytes(limitBytes)} MB).`, { status: 413 });
    this.limitBytes = limitBytes;
  }
}

/** The same message for "no such document" and "another organisation's document": ids reveal nothing. */
export class DocumentNotFoundError extends DocumentError {
  constructor(what = "That document") {
    super("document.not_found", `${what} was not found in this organisation.`, { status: 404 });
  }
}
