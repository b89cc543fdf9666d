import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * iv (12) ‖ ciphertext ‖ tag (16): one self-contained AES-256-GCM box, unversioned. Used by
 * key custody's envelopes (platform keys, locally wrapped data keys, the audit signing key)
 * and by the legacy secret readers; secrets stored by the application use aead-record.ts.
 */
export type SealedBox = Uint8Array;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function sealBox(key: Uint8Array, plaintext: Uint8Array, additionalData: Uint8Array): SealedBox {
  if (key.length !== 32) throw new RangeError("AES-256-GCM needs a 32-byte key");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(additionalData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Throws when the key, the box or the additional data is not the one it was sealed with. */
export function openBox(key: Uint8Array, box: SealedBox, additionalData: Uint8Array): Buffer {
  if (key.length !== 32) throw new RangeError("AES-256-GCM needs a 32-byte key");
  if (box.length < IV_BYTES + TAG_BYTES) throw new RangeError("sealed box too short");
  const decipher = createDecipheriv("aes-256-gcm", key, box.subarray(0, IV_BYTES));
  decipher.setAAD(additionalData);
  decipher.setAuthTag(box.subarray(box.length - TAG_BYTES));
  return Buffer.concat([decipher.update(box.subarray(IV_BYTES, box.length - TAG_BYTES)), decipher.final()]);
}
