import { openLegacyBox } from "@/lib/engine/crypto/legacy-box";
import type { DataKeyContext } from "@/lib/engine/keys/platform/master-key";

/**
 * LEGACY READER, for migration only: data keys as the local master key wrapped them before the
 * AEAD record format, an unversioned AES-256-GCM box (IV ‖ ciphertext ‖ tag) with
 * "signet:data-key:v1:<orgId>" as additional data. Nothing writes it any more; the start-up
 * migration rewraps such records. Throws when the box does not open.
 */
export const LEGACY_DATA_KEY_FORMAT = "data-key/v1";

export function unwrapLegacyDataKey(masterKey: Uint8Array, wrapped: Uint8Array, context: DataKeyContext): Buffer {
  return openLegacyBox(masterKey, wrapped, Buffer.from(`signet:data-key:v1:${context.orgId}`, "utf8"));
}
