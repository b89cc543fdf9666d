import { SignetError } from "@/lib/engine/errors";

/** A certificate that cannot be read. Profile check failures have their own class (profile/). */
export class CertificateError extends SignetError {
  constructor(code: "certificate.unreadable" | "certificate.none", message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}
