import { randomBytes } from "node:crypto";
import { appKeyFromEnvironment, appKeyFromSecret } from "@/lib/config/app-secret-key";
import type { Env } from "@/lib/config/settings";
import { AeadRecordError, openRecord, sealRecord, type RecordBinding } from "@/lib/engine/crypto";
import { AuditError } from "@/lib/audit/audit-errors";
import { isLegacySiemSecret, openLegacySiemSecret } from "@/lib/audit/legacy-siem-secret";

/**
 * SIEM webhook secrets at rest, in the same AEAD record format as TOTP secrets
 * (lib/engine/crypto/aead-record.ts), under a key derived from AUTH_SECRET with HKDF-SHA256
 * and a label of its own, bound to the organisation's row (a ciphertext copied onto another
 * organisation's row does not open). Records of the legacy format are still read until
 * migrateSiemSecrets has rewritten them.
 */
const HKDF_INFO = "signet/siem-secret/v1";

export type SiemKey = { readonly key: Buffer };

export function siemKeyFromSecret(authSecret: string): SiemKey {
  return { key: appKeyFromSecret(authSecret, HKDF_INFO, "SIEM webhook secrets") };
}

/** The key of the running server. */
export function siemKeyFromEnvironment(env: Env = process.env): SiemKey {
  return { key: appKeyFromEnvironment(HKDF_INFO, "SIEM webhook secrets", env) };
}

export function siemSecretBinding(orgId: string): RecordBinding {
  return { table: "Organization", column: "siemSecretEncrypted", rowId: orgId };
}

/** A new webhook secret as shown once to the administrator: 32 random bytes, base64url. */
export function generateSiemSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function sealSiemSecret(key: SiemKey, orgId: string, secret: string): Uint8Array<ArrayBuffer> {
  const plaintext = Buffer.from(secret, "utf8");
  try {
    return sealRecord(key.key, plaintext, siemSecretBinding(orgId));
  } finally {
    plaintext.fill(0);
  }
}

/** The HMAC key (the secret's UTF-8 bytes); the caller overwrites it after use. */
export function openSiemSecret(key: SiemKey, orgId: string, sealed: Uint8Array): Buffer {
  try {
    if (isLegacySiemSecret(sealed)) return openLegacySiemSecret(key.key, orgId, sealed);
    return openRecord(key.key, sealed, siemSecretBinding(orgId));
  } catch (error) {
    throw new AuditError(
      "audit.siem_unreadable",
      "The SIEM webhook secret can no longer be read (the server's AUTH_SECRET changed). Set a new secret in the audit settings.",
      {
        status: 409,
        cause: error instanceof AeadRecordError ? error.code : error instanceof Error ? error.message : undefined,
      },
    );
  }
}
