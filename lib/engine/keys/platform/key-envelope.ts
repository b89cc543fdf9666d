import { sealRecord, type RecordBinding } from "@/lib/engine/crypto/aead-record";
import { openRecordOrLegacy } from "@/lib/engine/crypto/open-record-or-legacy";
import { openLegacyPrivateKey } from "@/lib/engine/keys/platform/legacy-key-envelope";
import { PlatformKeyError } from "@/lib/engine/keys/platform/platform-key-errors";

/** What a platform key's ciphertext is bound to: copied onto another key record or organisation, it no longer decrypts. */
export type KeyContext = { orgId: string; keyId: string };

/** The AEAD record binding: the signing key's private key, by organisation and key id. */
function binding(context: KeyContext): RecordBinding {
  return { table: "SigningKey", column: "privateKey", rowId: [context.orgId, context.keyId] };
}

/** PKCS#8 DER → AEAD record (aead-record.ts) under the organisation's data key. */
export function encryptPrivateKey(pkcs8: Uint8Array, dataKey: Uint8Array, context: KeyContext): Uint8Array {
  return sealRecord(dataKey, pkcs8, binding(context));
}

function open(box: Uint8Array, dataKey: Uint8Array, context: KeyContext): { plaintext: Buffer; legacy: boolean } {
  try {
    return openRecordOrLegacy(dataKey, box, binding(context), (stored) =>
      openLegacyPrivateKey(stored, dataKey, context),
    );
  } catch (error) {
    throw new PlatformKeyError(
      "platform_key.decrypt_failed",
      "The platform key could not be decrypted: its record does not belong to this organisation and key, or it was altered.",
      { cause: error },
    );
  }
}

/**
 * Reads the AEAD record and, until the migration has rewritten it, the legacy format. The
 * caller owns the returned plaintext and must overwrite it (`fill(0)`) as soon as it has signed.
 */
export function decryptPrivateKey(box: Uint8Array, dataKey: Uint8Array, context: KeyContext): Buffer {
  return open(box, dataKey, context).plaintext;
}

/**
 * Migration: the same key as a new AEAD record when `box` is in the legacy format, null when it
 * is already current. The plaintext is overwritten before this returns. Throws
 * PlatformKeyError when the box does not open.
 */
export function reencryptLegacyPrivateKey(
  box: Uint8Array,
  dataKey: Uint8Array,
  context: KeyContext,
): Uint8Array | null {
  const { plaintext, legacy } = open(box, dataKey, context);
  try {
    return legacy ? encryptPrivateKey(plaintext, dataKey, context) : null;
  } finally {
    plaintext.fill(0);
  }
}
