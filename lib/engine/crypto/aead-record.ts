import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AeadRecordError } from "@/lib/engine/crypto/aead-record-errors";

/**
 * The one at-rest format for secrets Signet stores in its database (TOTP seeds, SIEM webhook
 * secrets, platform keys, locally wrapped data keys, the audit signing key): AES-256-GCM, a
 * random 96-bit IV, a 128-bit tag.
 *
 * Layout: "SGAE" (4) ‖ version 0x01 (1) ‖ IV (12) ‖ ciphertext ‖ tag (16).
 *
 * The magic makes a record self-describing: the TOTP and SIEM formats it replaced began with
 * the byte 0x01, so those are told apart by their first byte, never by guessing; the key
 * custody box began with a random IV, for which see open-record-or-legacy.ts. The
 * associated data is the header followed by the record's binding (table, column, row id),
 * each length-prefixed, so a ciphertext copied onto another row, column or table does not
 * open, nor does one whose header was edited. A row id of several parts (a key id with its
 * organisation) is length-prefixed part by part.
 */
export type RecordBinding = {
  readonly table: string;
  readonly column: string;
  readonly rowId: string | readonly string[];
};

const MAGIC = Buffer.from("SGAE", "ascii");
const VERSION = 0x01;
const HEADER_BYTES = MAGIC.length + 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const LABEL = "signet/aead-record/v1";

function header(): Buffer {
  return Buffer.concat([MAGIC, Buffer.from([VERSION])]);
}

function associatedData(binding: RecordBinding): Buffer {
  const rowId = typeof binding.rowId === "string" ? [binding.rowId] : binding.rowId;
  const parts = [LABEL, binding.table, binding.column, ...rowId].map((part) => {
    const bytes = Buffer.from(part, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  });
  return Buffer.concat([header(), ...parts]);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new RangeError("AES-256-GCM needs a 32-byte key");
}

/** Whether `stored` is in this format (any version): its first bytes are the magic. */
export function isAeadRecord(stored: Uint8Array): boolean {
  return stored.length >= MAGIC.length && Buffer.from(stored.subarray(0, MAGIC.length)).equals(MAGIC);
}

export function sealRecord(key: Uint8Array, plaintext: Uint8Array, binding: RecordBinding): Uint8Array<ArrayBuffer> {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(binding));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([header(), iv, body, cipher.getAuthTag()]));
}

/**
 * The plaintext; the caller owns it and overwrites it after use. Throws AeadRecordError when
 * `stored` is not a record of this format, or the key or binding is not the one it was sealed with.
 */
export function openRecord(key: Uint8Array, stored: Uint8Array, binding: RecordBinding): Buffer {
  checkKey(key);
  if (!isAeadRecord(stored) || stored.length < HEADER_BYTES + IV_BYTES + TAG_BYTES)
    throw new AeadRecordError("aead_record.malformed");
  if (stored[MAGIC.length] !== VERSION) throw new AeadRecordError("aead_record.unsupported_version");
  const bytes = Buffer.from(stored);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(binding));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(HEADER_BYTES + IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch (error) {
    throw new AeadRecordError("aead_record.refused", { cause: error instanceof Error ? error.message : undefined });
  }
}
