import { openLegacyBox } from "@/lib/engine/crypto/legacy-box";
import type { KeyContext } from "@/lib/engine/keys/platform/key-envelope";

/**
 * LEGACY READER, for migration only: platform private keys as stored before the AEAD record
 * format, an unversioned AES-256-GCM box (IV ‖ ciphertext ‖ tag) under the organisation's data
 * key with "signet:platform-key:v1:<orgId>:<keyId>" as additional data. Nothing writes it any
 * more; the start-up migration rewrites such records. Throws when the box does not open.
 */
export const LEGACY_PLATFORM_KEY_FORMAT = "platform-key/v1";

export function openLegacyPrivateKey(box: Uint8Array, dataKey: Uint8Array, context: KeyContext): Buffer {
  return openLegacyBox(dataKey, box, Buffer.from(`signet:platform-key:v1:${context.orgId}:${context.keyId}`, "utf8"));
}
