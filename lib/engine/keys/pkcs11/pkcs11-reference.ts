/**
 * How a PKCS#11 key is named: the library (module path), the token (its label,
 * or its slot id), and the key (its CKA_LABEL, its CKA_ID in hex, or both). This
 * is all Signet stores for an HSM key besides its public key; the PIN is not part
 * of it (the caller reads it from the environment or a secret store per use).
 */
import { pkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";

export interface Pkcs11TokenReference {
  /** Absolute path of the vendor's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  modulePath: string;
  /** CKA token label (as in CK_TOKEN_INFO, without the blank padding). Give this or `slot`. */
  tokenLabel?: string;
  /** CK_SLOT_ID, as `pkcs11-tool --list-slots` prints it. Give this or `tokenLabel`. */
  slot?: number;
}

export interface Pkcs11KeyReference extends Pkcs11TokenReference {
  /** CKA_LABEL of the private key. */
  keyLabel?: string;
  /** CKA_ID of the private key, hex (colons and spaces are ignored). */
  keyId?: string;
}

export interface ParsedTokenReference {
  modulePath: string;
  tokenLabel: string | undefined;
  slot: number | undefined;
  /** For messages: `"LABEL"` or `in slot N`. */
  tokenText: string;
}

export interface ParsedKeyReference extends ParsedTokenReference {
  keyLabel: string | undefined;
  keyId: Buffer | undefined;
  /** For messages: `label "x"`, `id 0a0b` or `label "x" (id 0a0b)`. */
  keyText: string;
}

const MAX_LABEL_BYTES = 32;

export function parseTokenReference(reference: Pkcs11TokenReference): ParsedTokenReference {
  const modulePath = reference.modulePath?.trim() ?? "";
  const fail = (reason: string): never => {
    throw pkcs11Error("pkcs11.invalid_reference", { modulePath }, { reason });
  };
  if (!modulePath) fail("the PKCS#11 library path (module) is missing");
  const tokenLabel = reference.tokenLabel?.trim() || undefined;
  const slot = reference.slot;
  if (tokenLabel === undefined && slot === undefined) fail("name the token by its label or its slot id");
  if (tokenLabel !== undefined && slot !== undefined) fail("name the token by its label or by its slot id, not both");
  if (tokenLabel !== undefined && Buffer.byteLength(tokenLabel, "utf8") > MAX_LABEL_BYTES) {
    fail(`a PKCS#11 token label has at most ${MAX_LABEL_BYTES} bytes; "${tokenLabel}" is longer`);
  }
  if (slot !== undefined && !(Number.isSafeInteger(slot) && slot >= 0))
    fail(`the slot id must be a whole number, not ${String(slot)}`);
  return {
    modulePath,
    tokenLabel,
    slot,
    tokenText: tokenLabel !== undefined ? `"${tokenLabel}"` : `in slot ${String(slot)}`,
  };
}

/** CKA_ID in hex ("0a0b", "0A:0B", "0a 0b") → bytes. */
export function parseKeyId(hex: string): Buffer | undefined {
  const clean = hex.replace(/[\s:]/g, "").toLowerCase();
  if (!clean || clean.length % 2 !== 0 || !/^[0-9a-f]+$/.test(clean) || clean.length > 256) return undefined;
  return Buffer.from(clean, "hex");
}

export function describeKey(keyLabel: string | undefined, keyId: Uint8Array | undefined): string {
  const id = keyId && keyId.length > 0 ? `id ${Buffer.from(keyId).toString("hex")}` : undefined;
  if (keyLabel !== undefined && id) return `label "${keyLabel}" (${id})`;
  return keyLabel !== undefined ? `label "${keyLabel}"` : (id ?? "(no label, no id)");
}

export function parseKeyReference(reference: Pkcs11KeyReference): ParsedKeyReference {
  const token = parseTokenReference(reference);
  const fail = (reason: string): never => {
    throw pkcs11Error("pkcs11.invalid_reference", { modulePath: token.modulePath, token: token.tokenText }, { reason });
  };
  const keyLabel = reference.keyLabel?.trim() || undefined;
  const keyIdText = reference.keyId?.trim() || undefined;
  if (keyLabel === undefined && keyIdText === undefined)
    fail("name the key by its label (CKA_LABEL), its id (CKA_ID, hex) or both");
  const keyId = keyIdText === undefined ? undefined : parseKeyId(keyIdText);
  if (keyIdText !== undefined && !keyId)
    fail(`the key id must be the CKA_ID in hexadecimal (for example 0a1b2c), not "${keyIdText}"`);
  return { ...token, keyLabel, keyId, keyText: describeKey(keyLabel, keyId) };
}
