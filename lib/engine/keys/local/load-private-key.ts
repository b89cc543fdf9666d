/**
 * Reads a private key file: PEM (PKCS#8, encrypted PKCS#8, PKCS#1 "RSA PRIVATE
 * KEY", SEC1 "EC PRIVATE KEY") or DER (PKCS#8, PKCS#1, SEC1).
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import { KeyError } from "@/lib/engine/crypto/key-errors";

const DER_TYPES = ["pkcs8", "pkcs1", "sec1"] as const;

export function loadPrivateKey(input: Uint8Array | string, passphrase?: string): KeyObject {
  const text =
    typeof input === "string" ? input : looksLikePem(input) ? Buffer.from(input).toString("latin1") : undefined;
  if (text !== undefined) {
    if (passphrase === undefined && /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
      throw new KeyError("key.encrypted", "The private key is encrypted; a passphrase is required.");
    }
    try {
      return createPrivateKey({ key: text, format: "pem", ...(passphrase === undefined ? {} : { passphrase }) });
    } catch (cause) {
      throw mapError(cause, passphrase);
    }
  }
  const der = Buffer.from(input as Uint8Array);
  let lastError: unknown;
  for (const type of DER_TYPES) {
    try {
      return createPrivateKey({ key: der, format: "der", type, ...(passphrase === undefined ? {} : { passphrase }) });
    } catch (cause) {
      lastError = cause;
    }
  }
  throw mapError(lastError, passphrase);
}

function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 4096)).toString("latin1").includes("-----BEGIN ");
}

function mapError(cause: unknown, passphrase: string | undefined): KeyError {
  const code = (cause as { code?: unknown } | null)?.code;
  const message = cause instanceof Error ? cause.message : "";
  if (
    code === "ERR_MISSING_PASSPHRASE" ||
    (passphrase === undefined && code === "ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED")
  ) {
    return new KeyError("key.encrypted", "The private key is encrypted; a passphrase is required.");
  }
  if (passphrase !== undefined && /bad decrypt|decrypt/i.test(message)) {
    return new KeyError("key.bad_passphrase", "The private key could not be decrypted: the passphrase is wrong.");
  }
  return new KeyError(
    "key.unreadable",
    "The private key could not be read (expected PEM or DER: PKCS#8, PKCS#1 or SEC1).",
    {
      cause: code === undefined ? undefined : { code },
    },
  );
}
