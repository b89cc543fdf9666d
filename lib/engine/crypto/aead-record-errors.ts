import { SignetError } from "@/lib/engine/errors";

export type AeadRecordErrorCode = "aead_record.malformed" | "aead_record.unsupported_version" | "aead_record.refused";

const MESSAGES: Record<AeadRecordErrorCode, string> = {
  "aead_record.malformed": "A stored secret is not in Signet's encrypted record format.",
  "aead_record.unsupported_version": "A stored secret was written by a newer version of Signet.",
  "aead_record.refused":
    "A stored secret could not be decrypted: the key is not the one it was written with, it belongs to another record, or it was altered.",
};

/** A stored secret that does not open. Carries no key, plaintext or ciphertext. */
export class AeadRecordError extends SignetError {
  declare readonly code: AeadRecordErrorCode;
  constructor(code: AeadRecordErrorCode, options: { cause?: unknown } = {}) {
    super(code, MESSAGES[code], { status: 500, cause: options.cause });
  }
}
