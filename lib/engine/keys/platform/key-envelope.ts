import { openBox, sealBox } from "../../crypto/aes-gcm";
import { PlatformKeyError } from "./platform-key-errors";

/** What a platform key's ciphertext is bound to: copied onto another key record or organisation, it no longer decrypts. */
export type KeyContext = { orgId: string; keyId: string };

function aad(context: KeyContext): Buffer {
  return Buffer.from(`signet:platform-key:v1:${context.orgId}:${context.keyId}`, "utf8");
}

/** PKCS#8 DER → AES-256-GCM box under the organisation's data key. */
export function encryptPrivateKey(pkcs8: Uint8Array, dataKey: Uint8Array, context: KeyContext): Uint8Array {
  return sealBox(dataKey, pkcs8, aad(context));
}

/** The caller owns the returned plaintext and must overwrite it (`fill(0)`) as soon as it has signed. */
export function decryptPrivateKey(box: Uint8Array, dataKey: Uint8Array, context: KeyContext): Buffer {
  try {
    return openBox(dataKey, box, aad(context));
  } catch (error) {
    throw new PlatformKeyError("platform_key.decrypt_failed", "The platform key could not be decrypted: its record does not belong to this organisation and key, or it was altered.", { cause: error });
  }
}
