import { createDecipheriv } from "node:crypto";

/**
 * LEGACY READER, for migration only: iv (12) ‖ ciphertext ‖ tag (16), one AES-256-GCM box with
 * no header or version. Key custody (platform keys, locally wrapped data keys, the audit
 * signing key) and the TOTP and SIEM secrets were stored this way before the AEAD record
 * format (aead-record.ts); nothing writes it any more. Its only callers are the legacy readers
 * named legacy-*.ts.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Throws when the key, the box or the additional data is not the one it was sealed with. */
export function openLegacyBox(key: Uint8Array, box: Uint8Array, additionalData: Uint8Array): Buffer {
  if (key.length !== 32) throw new RangeError("AES-256-GCM needs a 32-byte key");
  if (box.length < IV_BYTES + TAG_BYTES) throw new RangeError("sealed box too short");
  const decipher = createDecipheriv("aes-256-gcm", key, box.subarray(0, IV_BYTES));
  decipher.setAAD(additionalData);
  decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
  return Buffer.concat([decipher.update(box.subarray(IV_BYTES, box.length - TAG_BYTES)), decipher.final()]);
}
