import { SignetError } from "@/lib/engine/errors";

export type LifecycleErrorCode =
  "lifecycle.not_found" | "lifecycle.wrong_state" | "lifecycle.invalid" | "lifecycle.key_destroyed";

/** A lifecycle action that cannot be done in the certificate's or key's present state, with why. */
export class LifecycleError extends SignetError {
  declare readonly code: LifecycleErrorCode;
  readonly field?: string;
  constructor(code: LifecycleErrorCode, message: string, options: { status?: number; field?: string } = {}) {
    super(code, message, { status: options.status ?? (code === "lifecycle.not_found" ? 404 : 409) });
    if (options.field !== undefined) this.field = options.field;
  }
}
