import { randomBytes } from "node:crypto";
import { appKeyFromEnvironment, appKeyFromSecret } from "../config/app-secret-key";
import type { Env } from "../config/settings";
import { openBox, sealBox } from "../engine/crypto";
import { AuditError } from "./audit-errors";

/**
 * SIEM webhook secrets at rest, by the same mechanism as TOTP secrets: AES-256-GCM under a key
 * derived from AUTH_SECRET with HKDF-SHA256 and a label of its own, the organisation id as
 * additional data (a ciphertext copied onto another organisation's row does not open).
 * Layout: version (1) ‖ IV (12) ‖ ciphertext ‖ tag (16).
 */
const HKDF_INFO = "signet/siem-secret/v1";
const VERSION = 1;

export type SiemKey = { readonly key: Buffer };

export function siemKeyFromSecret(authSecret: string): SiemKey {
  return { key: appKeyFromSecret(authSecret, HKDF_INFO, "SIEM webhook secrets") };
}

/** The key of the running server. */
export function siemKeyFromEnvironment(env: Env = process.env): SiemKey {
  return { key: appKeyFromEnvironment(HKDF_INFO, "SIEM webhook secrets", env) };
}

function additionalData(orgId: string): Buffer {
  return Buffer.from(`signet-siem-secret:${orgId}`, "utf8");
}

/** A new webhook secret as shown once to the administrator: 32 random bytes, base64url. */
export function generateSiemSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function sealSiemSecret(key: SiemKey, orgId: string, secret: string): Uint8Array<ArrayBuffer> {
  const plaintext = Buffer.from(secret, "utf8");
  try {
    return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), sealBox(key.key, plaintext, additionalData(orgId))]));
  } finally {
    plaintext.fill(0);
  }
}

/** The HMAC key (the secret's UTF-8 bytes); the caller overwrites it after use. */
export function openSiemSecret(key: SiemKey, orgId: string, sealed: Uint8Array): Buffer {
  const blob = Buffer.from(sealed);
  try {
    if (blob.length < 1 + 12 + 16 + 1 || blob[0] !== VERSION) throw new Error("unknown SIEM secret format");
    return openBox(key.key, blob.subarray(1), additionalData(orgId));
  } catch (error) {
    throw new AuditError("audit.siem_unreadable", "The SIEM webhook secret can no longer be read (the server's AUTH_SECRET changed). Set a new secret in the audit settings.", {
      status: 409,
      cause: error instanceof Error ? error.message : undefined,
    });
  }
}
