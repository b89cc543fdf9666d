/**
 * Finds the private key a reference names (CKO_PRIVATE_KEY with that CKA_LABEL
 * and/or CKA_ID; exactly one must match) and learns its public key:
 *   - RSA: CKA_MODULUS and CKA_PUBLIC_EXPONENT, which private key objects carry
 *     (public attributes, readable even when the key is sensitive); failing that,
 *     from the public key object;
 *   - EC: the curve from CKA_EC_PARAMS, the point from the CKO_PUBLIC_KEY object
 *     with the same CKA_ID (a private EC key object has no CKA_EC_POINT), or
 *     failing that, from a CKO_CERTIFICATE with the same CKA_ID.
 * The result is a canonical SubjectPublicKeyInfo and the KeyAlgorithm Signet
 * signs with (RSA ≥ 2048 bits; P-256, P-384, P-521).
 */
import { X509Certificate } from "node:crypto";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { keyAlgorithmOf, publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import type { Handle, Pkcs11Template } from "@/lib/engine/keys/pkcs11/pkcs11-binding";
import { CKA, CKC, CKK, CKO } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import type { Pkcs11ErrorDetails } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import type { Pkcs11Session } from "@/lib/engine/keys/pkcs11/pkcs11-session";
import { booleanOf, findObjects, readAttribute, ulongOf, ulongsOf } from "@/lib/engine/keys/pkcs11/pkcs11-objects";
import { curveOfEcParams } from "@/lib/engine/keys/pkcs11/pkcs11-ec";
import { ecSpki, rsaSpki } from "@/lib/engine/keys/pkcs11/pkcs11-public-key";
import { describeKey, type ParsedKeyReference } from "@/lib/engine/keys/pkcs11/pkcs11-reference";
import { pkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";
import { MIN_RSA_BITS } from "@/lib/engine/crypto/key-algorithm";

export interface FoundKey {
  handle: Handle;
  label: string | undefined;
  /** CKA_ID (empty when the key has none). */
  id: Buffer;
  algorithm: KeyAlgorithm;
  /** SubjectPublicKeyInfo, DER, canonical. */
  spki: Uint8Array;
  /** CKA_ALWAYS_AUTHENTICATE: every signature needs a context-specific login. */
  alwaysAuthenticate: boolean;
  /** CKA_ALLOWED_MECHANISMS; empty means the token sets no restriction. */
  allowedMechanisms: number[];
  /** For messages: label and id as found. */
  keyText: string;
}

function keyTemplate(objectClass: number, label: string | undefined, id: Buffer | undefined): Pkcs11Template {
  const template: Pkcs11Template = [{ type: CKA.CLASS, value: objectClass }];
  if (label !== undefined) template.push({ type: CKA.LABEL, value: Buffer.from(label, "utf8") });
  if (id !== undefined) template.push({ type: CKA.ID, value: id });
  return template;
}

/** Objects of a class that belong with the private key: same CKA_ID, or same label when the key has no id. */
function companions(
  session: Pkcs11Session,
  objectClass: number,
  key: { label: string | undefined; id: Buffer },
  context: Pkcs11ErrorDetails,
): Handle[] {
  if (key.id.length > 0) return findObjects(session, keyTemplate(objectClass, undefined, key.id), context);
  if (key.label !== undefined) return findObjects(session, keyTemplate(objectClass, key.label, undefined), context);
  return [];
}

function rsaPublicKey(
  session: Pkcs11Session,
  handle: Handle,
  key: { label: string | undefined; id: Buffer },
  context: Pkcs11ErrorDetails,
): Uint8Array | undefined {
  const fromObject = (object: Handle) => {
    const modulus = readAttribute(session, object, CKA.MODULUS, context);
    const exponent = readAttribute(session, object, CKA.PUBLIC_EXPONENT, context);
    return modulus && exponent ? rsaSpki(modulus, exponent) : undefined;
  };
  const own = fromObject(handle);
  if (own) return own;
  for (const object of companions(session, CKO.PUBLIC_KEY, key, context)) {
    const spki = fromObject(object);
    if (spki) return spki;
  }
  return undefined;
}

function ecPublicKey(
  session: Pkcs11Session,
  handle: Handle,
  key: { label: string | undefined; id: Buffer; keyText: string },
  context: Pkcs11ErrorDetails,
): Uint8Array {
  const params = readAttribute(session, handle, CKA.EC_PARAMS, context);
  const publicObjects = companions(session, CKO.PUBLIC_KEY, key, context);
  const paramsOf =
    params ?? publicObjects.map((o) => readAttribute(session, o, CKA.EC_PARAMS, context)).find((p) => p !== undefined);
  if (!paramsOf)
    throw pkcs11Error("pkcs11.unsupported_key", context, { reason: "it has no curve parameters (CKA_EC_PARAMS)" });
  const reading = curveOfEcParams(paramsOf);
  if (!reading.curve)
    throw pkcs11Error("pkcs11.unsupported_key", context, { reason: `it is on ${reading.description}` });
  const curve = reading.curve;
  for (const object of publicObjects) {
    const point = readAttribute(session, object, CKA.EC_POINT, context);
    const spki = point && ecSpki(curve, point);
    if (spki) return spki;
  }
  for (const object of companions(session, CKO.CERTIFICATE, key, context)) {
    if (ulongOf(readAttribute(session, object, CKA.CERTIFICATE_TYPE, context)) !== CKC.X_509) continue;
    const value = readAttribute(session, object, CKA.VALUE, context);
    if (!value) continue;
    try {
      const spki = new Uint8Array(new X509Certificate(value).publicKey.export({ type: "spki", format: "der" }));
      const algorithm = keyAlgorithmOf(publicKeyFromSpki(spki));
      if (algorithm.kind === "EC" && algorithm.curve === curve) return spki;
    } catch {
      // Not a usable certificate: look further.
    }
  }
  throw pkcs11Error("pkcs11.key_not_found", context, {
    reason:
      "the private key is there, but Signet cannot learn its public key: the token holds no EC public key object and no " +
      `certificate with the same ${key.id.length > 0 ? `CKA_ID (${key.id.toString("hex")})` : "label"}. Import the public key or the certificate into the token under the key's id`,
  });
}

export function findPrivateKey(
  session: Pkcs11Session,
  reference: ParsedKeyReference,
  base: Pkcs11ErrorDetails,
): FoundKey {
  const context = { ...base, key: reference.keyText };
  const handles = findObjects(session, keyTemplate(CKO.PRIVATE_KEY, reference.keyLabel, reference.keyId), context);
  const [handle] = handles;
  if (!handle) throw pkcs11Error("pkcs11.key_not_found", context);
  if (handles.length > 1) {
    const ids = handles.map((h) => readAttribute(session, h, CKA.ID, context)?.toString("hex") || "(none)");
    throw pkcs11Error("pkcs11.ambiguous", context, {
      reason: `${handles.length} private keys on the token ${reference.tokenText} match ${reference.keyText} (ids ${ids.join(", ")}); name the key by its id`,
    });
  }

  const labelBytes = readAttribute(session, handle, CKA.LABEL, context);
  const label = labelBytes ? labelBytes.toString("utf8") : undefined;
  const id = readAttribute(session, handle, CKA.ID, context) ?? Buffer.alloc(0);
  const keyText = describeKey(label, id);
  const found = { label, id, keyText };
  const keyContext = { ...context, key: keyText };

  if (booleanOf(readAttribute(session, handle, CKA.SIGN, keyContext)) === false) {
    throw pkcs11Error("pkcs11.unsupported_key", keyContext, {
      reason: "the token does not allow it to sign (CKA_SIGN is false)",
    });
  }
  const keyType = ulongOf(readAttribute(session, handle, CKA.KEY_TYPE, keyContext));
  let spki: Uint8Array | undefined;
  if (keyType === CKK.RSA) {
    spki = rsaPublicKey(session, handle, found, keyContext);
    if (!spki) {
      throw pkcs11Error("pkcs11.key_not_found", keyContext, {
        reason:
          "the private key is there, but neither it nor a public key object with the same id shows its modulus and public exponent",
      });
    }
  } else if (keyType === CKK.EC) {
    spki = ecPublicKey(session, handle, found, keyContext);
  } else {
    throw pkcs11Error("pkcs11.unsupported_key", keyContext, {
      reason: `its key type is ${keyType === undefined ? "unknown" : `CKK 0x${keyType.toString(16)}`}, neither RSA nor EC`,
    });
  }

  let algorithm: KeyAlgorithm;
  try {
    algorithm = keyAlgorithmOf(publicKeyFromSpki(spki));
  } catch (error) {
    if (error instanceof KeyError)
      throw pkcs11Error("pkcs11.unsupported_key", keyContext, { reason: error.message.replace(/\.$/, "") });
    throw error;
  }
  if (algorithm.kind === "RSA" && algorithm.modulusBits < MIN_RSA_BITS) {
    throw pkcs11Error("pkcs11.unsupported_key", keyContext, {
      reason: `it is an RSA ${algorithm.modulusBits}-bit key, below ${MIN_RSA_BITS} bits`,
    });
  }
  return {
    handle,
    label,
    id,
    algorithm,
    spki,
    alwaysAuthenticate: booleanOf(readAttribute(session, handle, CKA.ALWAYS_AUTHENTICATE, keyContext)) === true,
    allowedMechanisms: ulongsOf(readAttribute(session, handle, CKA.ALLOWED_MECHANISMS, keyContext)),
    keyText,
  };
}
