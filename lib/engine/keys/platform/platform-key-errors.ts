import { KeyBackendError } from "@/lib/engine/keys/key-backend-error";

export type PlatformKeyErrorCode =
  | "master_key.missing"
  | "master_key.malformed"
  | "master_key.mismatch"
  | "master_key.unavailable"
  | "platform_key.decrypt_failed"
  | "platform_key.destroyed"
  | "platform_key.signature_invalid";

/** Only an unavailable master key may come back by itself; the others need the key, its record or the configuration fixed. */
const TRANSIENT: Record<PlatformKeyErrorCode, boolean> = {
  "master_key.missing": false,
  "master_key.malformed": false,
  "master_key.mismatch": false,
  "master_key.unavailable": true,
  "platform_key.decrypt_failed": false,
  "platform_key.destroyed": false,
  "platform_key.signature_invalid": false,
};

/** Problems with platform-managed keys or the master key. Messages never include key material. */
export class PlatformKeyError extends KeyBackendError {
  declare readonly code: PlatformKeyErrorCode;
  constructor(code: PlatformKeyErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(
      code,
      message,
      { backend: "PLATFORM", transient: TRANSIENT[code] },
      { status: options.status ?? 500, cause: options.cause },
    );
  }
}
