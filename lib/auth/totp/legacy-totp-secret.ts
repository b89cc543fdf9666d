import { openLegacyBox } from "@/lib/engine/crypto";

/**
 * LEGACY READER, for migration only: the TOTP secret format written before the AEAD record
 * format (lib/engine/crypto/aead-record.ts). Nothing writes it any more; migrateTotpSecrets
 * rewrites every such record at start-up.
 *
 * Layout: 0x01 ‖ IV (12) ‖ tag (16) ‖ ciphertext, AES-256-GCM with "signet-totp:<userId>"
 * as additional data, under the same HKDF-derived key as today.
 */
const LEGACY_VERSION = 0x01;

export function isLegacyTotpSecret(stored: Uint8Array): boolean {
  return stored.length >= 1 + 12 + 16 + 1 && stored[0] === LEGACY_VERSION;
}

/** Throws when it does not open (the caller maps that to its own error). */
export function openLegacyTotpSecret(key: Uint8Array, userId: string, stored: Uint8Array): Buffer {
  if (!isLegacyTotpSecret(stored)) throw new Error("not a legacy TOTP secret");
  const bytes = Buffer.from(stored);
  // Re-ordered to the IV ‖ ciphertext ‖ tag layout of openLegacyBox: the cipher is the same.
  const box = Buffer.concat([bytes.subarray(1, 13), bytes.subarray(29), bytes.subarray(13, 29)]);
  return openLegacyBox(key, box, Buffer.from(`signet-totp:${userId}`, "utf8"));
}
