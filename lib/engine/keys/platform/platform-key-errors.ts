import { SignetError } from "@/lib/engine/errors";

export type PlatformKeyErrorCode =
  | "master_key.missing"
  | "master_key.malformed"
  | "master_key.mismatch"
  | "master_key.unavailable"
  | "platform_key.decrypt_failed"
  | "platform_key.destroyed"
  | "platform_key.signature_invalid";

/** Problems with platform-managed keys or the master key. Messages never include key material. */
export class PlatformKeyError extends SignetError {
  declare readonly code: PlatformKeyErrorCode;
  constructor(code: PlatformKeyErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(code, message, { status: options.status ?? 500, cause: options.cause });
  }
}
