import { openLegacyBox } from "@/lib/engine/crypto";

/**
 * LEGACY READER, for migration only: the SIEM webhook secret format written before the AEAD
 * record format (lib/engine/crypto/aead-record.ts). Nothing writes it any more;
 * migrateSiemSecrets rewrites every such record at start-up.
 *
 * Layout: 0x01 ‖ IV (12) ‖ ciphertext ‖ tag (16), AES-256-GCM with
 * "signet-siem-secret:<orgId>" as additional data, under the same HKDF-derived key as today.
 */
const LEGACY_VERSION = 0x01;

export function isLegacySiemSecret(stored: Uint8Array): boolean {
  return stored.length >= 1 + 12 + 16 + 1 && stored[0] === LEGACY_VERSION;
}

/** Throws when it does not open (the caller maps that to its own error). */
export function openLegacySiemSecret(key: Uint8Array, orgId: string, stored: Uint8Array): Buffer {
  if (!isLegacySiemSecret(stored)) throw new Error("not a legacy SIEM secret");
  return openLegacyBox(key, Buffer.from(stored).subarray(1), Buffer.from(`signet-siem-secret:${orgId}`, "utf8"));
}
