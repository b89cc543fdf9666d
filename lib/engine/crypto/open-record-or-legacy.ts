import { isAeadRecord, openRecord, type RecordBinding } from "@/lib/engine/crypto/aead-record";

export type OpenedRecord = { plaintext: Buffer; legacy: boolean };

/**
 * Opens a secret stored as an AEAD record or, if written before that format, by its legacy
 * reader. The header decides first. A legacy record has no header: it begins with a random
 * IV, so about one in 2^40 begins with "SGAE\x01" by chance. A record that carries the header
 * but does not open is therefore handed to the legacy reader before it is refused: GCM's tag
 * tells the two apart, and no format column is needed. `legacy` says which one opened it (the
 * migration rewrites those). The caller owns `plaintext` and overwrites it after use; when
 * neither opens, the error is the record reader's if the header is there, else the legacy one's.
 */
export function openRecordOrLegacy(
  key: Uint8Array,
  stored: Uint8Array,
  binding: RecordBinding,
  openLegacy: (stored: Uint8Array) => Buffer,
): OpenedRecord {
  if (!isAeadRecord(stored)) return { plaintext: openLegacy(stored), legacy: true };
  try {
    return { plaintext: openRecord(key, stored, binding), legacy: false };
  } catch (error) {
    try {
      return { plaintext: openLegacy(stored), legacy: true };
    } catch {
      throw error;
    }
  }
}
