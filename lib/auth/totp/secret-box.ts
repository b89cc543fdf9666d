import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { appKeyFromEnvironment, appKeyFromSecret } from "../../config/app-secret-key";
import type { Env } from "../../config/settings";
import { TotpError } from "./totp-errors";

/**
 * TOTP secrets at rest: AES-256-GCM under a key derived from AUTH_SECRET with HKDF-SHA256 and
 * a fixed label, the user id as additional data (a ciphertext copied onto another user's row
 * does not decrypt). Layout: version (1) ‖ IV (12) ‖ tag (16) ‖ ciphertext.
 */
const HKDF_INFO = "signet/totp-secret/v1";
const VERSION = 1;

export type TotpKey = { readonly key: Buffer };

export function totpKeyFromSecret(authSecret: string): TotpKey {
  return { key: appKeyFromSecret(authSecret, HKDF_INFO, "TOTP secrets") };
}

/** The key of the running server. */
export function totpKeyFromEnvironment(env: Env = process.env): TotpKey {
  return { key: appKeyFromEnvironment(HKDF_INFO, "TOTP secrets", env) };
}

function additionalData(userId: string): Buffer {
  return Buffer.from(`signet-totp:${userId}`, "utf8");
}

export function sealTotpSecret(key: TotpKey, userId: string, secret: Uint8Array): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(additionalData(userId));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]));
}

export function openTotpSecret(key: TotpKey, userId: string, sealed: Uint8Array): Buffer {
  const blob = Buffer.from(sealed);
  try {
    if (blob.length < 1 + 12 + 16 + 1 || blob[0] !== VERSION) throw new Error("unknown TOTP secret format");
    const decipher = createDecipheriv("aes-256-gcm", key.key, blob.subarray(1, 13));
    decipher.setAAD(additionalData(userId));
    decipher.setAuthTag(blob.subarray(13, 29));
    return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]);
  } catch (error) {
    throw new TotpError("totp.unreadable", { cause: error instanceof Error ? error.message : undefined });
  }
}
