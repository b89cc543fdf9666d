/**
 * Finds the slot of the configured token (by label among the slots with a token
 * present, or by slot id) and checks, from CK_TOKEN_INFO, that it can be used:
 * initialised, with a user PIN that is set and not locked.
 */
import type { TokenInfo } from "pkcs11js";
import type { Handle } from "@/lib/engine/keys/pkcs11/pkcs11-binding";
import { CKF } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import type { Pkcs11Module } from "@/lib/engine/keys/pkcs11/pkcs11-module";
import type { ParsedTokenReference } from "@/lib/engine/keys/pkcs11/pkcs11-reference";
import { pkcs11Error, toPkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";

export interface FoundToken {
  slot: Handle;
  label: string;
  info: TokenInfo;
}

/** CK_SLOT_ID from the binding's handle (a native-endian CK_ULONG). */
export function slotIdOf(slot: Handle): bigint {
  return slot.length >= 8 ? slot.readBigUInt64LE(0) : BigInt(slot.readUInt32LE(0));
}

export function findToken(module: Pkcs11Module, reference: ParsedTokenReference): FoundToken {
  const { api, modulePath } = module;
  const context = { modulePath, token: reference.tokenText };
  let slots: Handle[];
  try {
    slots = api.C_GetSlotList(true);
  } catch (error) {
    throw toPkcs11Error(error, { ...context, operation: "C_GetSlotList" });
  }
  const found: FoundToken[] = [];
  for (const slot of slots) {
    if (reference.slot !== undefined && slotIdOf(slot) !== BigInt(reference.slot)) continue;
    let info: TokenInfo;
    try {
      info = api.C_GetTokenInfo(slot);
    } catch {
      continue; // A slot whose token went away between the two calls.
    }
    const label = info.label.replace(/[\s\0]+$/, "");
    if (reference.tokenLabel !== undefined && label !== reference.tokenLabel) continue;
    found.push({ slot, label, info });
  }
  const [token] = found;
  if (!token) throw pkcs11Error("pkcs11.token_not_found", context);
  if (found.length > 1) {
    throw pkcs11Error("pkcs11.ambiguous", context, {
      reason: `${found.length} tokens are labelled ${reference.tokenText} (slots ${found.map((t) => slotIdOf(t.slot).toString()).join(", ")}); name the token by its slot id`,
    });
  }
  const flags = token.info.flags;
  if (!(flags & CKF.TOKEN_INITIALIZED)) {
    throw pkcs11Error("pkcs11.token_not_found", context, { reason: "the token in that slot is not initialised" });
  }
  if (!(flags & CKF.USER_PIN_INITIALIZED)) {
    throw pkcs11Error("pkcs11.pin_locked", context, {
      reason: "the token has no user PIN yet (the security officer must set one)",
    });
  }
  if (flags & CKF.USER_PIN_LOCKED) throw pkcs11Error("pkcs11.pin_locked", context);
  if (flags & CKF.USER_PIN_TO_BE_CHANGED) {
    throw pkcs11Error("pkcs11.pin_locked", context, {
      reason: "the token requires the user PIN to be changed first (change it with the token's tools)",
    });
  }
  return token;
}
