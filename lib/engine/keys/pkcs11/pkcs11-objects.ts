/** Finding objects and reading their attributes one at a time (a sensitive or absent attribute reads as undefined). */
import type { Handle, Pkcs11Template } from "@/lib/engine/keys/pkcs11/pkcs11-binding";
import { CKR } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import type { Pkcs11ErrorDetails } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import type { Pkcs11Session } from "@/lib/engine/keys/pkcs11/pkcs11-session";
import { ckrOf, toPkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";

export function findObjects(
  session: Pkcs11Session,
  template: Pkcs11Template,
  context: Pkcs11ErrorDetails,
  max = 64,
): Handle[] {
  const { api } = session.module;
  try {
    api.C_FindObjectsInit(session.handle, template);
  } catch (error) {
    throw toPkcs11Error(error, { ...context, operation: "C_FindObjectsInit" });
  }
  try {
    return api.C_FindObjects(session.handle, max);
  } catch (error) {
    throw toPkcs11Error(error, { ...context, operation: "C_FindObjects" });
  } finally {
    try {
      api.C_FindObjectsFinal(session.handle);
    } catch {
      // The search result (or its error) is what matters.
    }
  }
}

/** The attribute's value, or undefined when the object has no such attribute or will not reveal it. */
export function readAttribute(
  session: Pkcs11Session,
  object: Handle,
  type: number,
  context: Pkcs11ErrorDetails,
): Buffer | undefined {
  try {
    const [attribute] = session.module.api.C_GetAttributeValue(session.handle, object, [{ type }]);
    return attribute?.value;
  } catch (error) {
    const ckr = ckrOf(error);
    if (ckr === CKR.ATTRIBUTE_TYPE_INVALID || ckr === CKR.ATTRIBUTE_SENSITIVE) return undefined;
    throw toPkcs11Error(error, { ...context, operation: "C_GetAttributeValue" });
  }
}

/** A CK_ULONG value (native-endian, 8 or 4 bytes). */
export function ulongOf(value: Buffer | undefined): number | undefined {
  if (!value) return undefined;
  if (value.length === 8) return Number(value.readBigUInt64LE(0));
  if (value.length === 4) return value.readUInt32LE(0);
  return undefined;
}

/** A list of CK_ULONGs (CKA_ALLOWED_MECHANISMS). */
export function ulongsOf(value: Buffer | undefined): number[] {
  if (!value || value.length % 8 !== 0) return [];
  const out: number[] = [];
  for (let offset = 0; offset < value.length; offset += 8) out.push(Number(value.readBigUInt64LE(offset)));
  return out;
}

export function booleanOf(value: Buffer | undefined): boolean | undefined {
  return value && value.length > 0 ? value[0] !== 0 : undefined;
}

export function readBoolean(
  session: Pkcs11Session,
  object: Handle,
  type: number,
  context: Pkcs11ErrorDetails,
): boolean | undefined {
  return booleanOf(readAttribute(session, object, type, context));
}

export function readUlong(
  session: Pkcs11Session,
  object: Handle,
  type: number,
  context: Pkcs11ErrorDetails,
): number | undefined {
  return ulongOf(readAttribute(session, object, type, context));
}
