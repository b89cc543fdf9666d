import { openLegacyBox } from "@/lib/engine/crypto";

/**
 * LEGACY READER, for migration only: the audit signing key's sealed box as written before the
 * AEAD record format, an unversioned AES-256-GCM box (IV ‖ ciphertext ‖ tag) under its data key
 * with "signet:audit-signing-key:v1:<keyId>" as additional data. Nothing writes it any more;
 * migrateAuditSigningKeys rewrites such records at start-up. Throws when the box does not open.
 */
export const LEGACY_AUDIT_KEY_FORMAT = "audit-signing-key/v1";

export function openLegacyAuditKeyBox(dataKey: Uint8Array, box: Uint8Array, keyId: string): Buffer {
  return openLegacyBox(dataKey, box, Buffer.from(`signet:audit-signing-key:v1:${keyId}`, "utf8"));
}
