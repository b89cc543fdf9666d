import { SignetError } from "@/lib/engine/errors";
import { formatMegabytes } from "@/lib/documents/file-size";

/** A request body past the cap of its route (lib/http/body-limit), refused before it is read. */
export class RequestTooLargeError extends SignetError {
  constructor(maxBytes: number) {
    super(
      "request.too_large",
      `This request is larger than ${formatMegabytes(maxBytes)} MB, the most this page accepts.`,
      { status: 413 },
    );
  }
}
