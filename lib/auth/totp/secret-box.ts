import { AeadRecordError, openRecord, sealRecord, type RecordBinding } from "@/lib/engine/crypto";
import { appKeyFromEnvironment, appKeyFromSecret } from "@/lib/config/app-secret-key";
import type { Env } from "@/lib/config/settings";
import { isLegacyTotpSecret, openLegacyTotpSecret } from "@/lib/auth/totp/legacy-totp-secret";
import { TotpError } from "@/lib/auth/totp/totp-errors";

/**
 * TOTP secrets at rest: an AEAD record (lib/engine/crypto/aead-record.ts) under a key derived
 * from AUTH_SECRET with HKDF-SHA256 and a fixed label, bound to the user's TotpFactor row (a
 * ciphertext copied onto another user's row does not decrypt). Records of the legacy format
 * are still read until migrateTotpSecrets has rewritten them.
 */
const HKDF_INFO = "signet/totp-secret/v1";

export type TotpKey = { readonly key: Buffer };

export function totpKeyFromSecret(authSecret: string): TotpKey {
  return { key: appKeyFromSecret(authSecret, HKDF_INFO, "TOTP secrets") };
}

/** The key of the running server. */
export function totpKeyFromEnvironment(env: Env = process.env): TotpKey {
  return { key: appKeyFromEnvironment(HKDF_INFO, "TOTP secrets", env) };
}

export function totpSecretBinding(userId: string): RecordBinding {
  return { table: "TotpFactor", column: "secretEncrypted", rowId: userId };
}

export function sealTotpSecret(key: TotpKey, userId: string, secret: Uint8Array): Uint8Array<ArrayBuffer> {
  return sealRecord(key.key, secret, totpSecretBinding(userId));
}

export function openTotpSecret(key: TotpKey, userId: string, sealed: Uint8Array): Buffer {
  try {
    if (isLegacyTotpSecret(sealed)) return openLegacyTotpSecret(key.key, userId, sealed);
    return openRecord(key.key, sealed, totpSecretBinding(userId));
  } catch (error) {
    throw new TotpError("totp.unreadable", {
      cause: error instanceof AeadRecordError ? error.code : error instanceof Error ? error.message : undefined,
    });
  }
}
