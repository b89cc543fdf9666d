/**
 * The pkcs11js native binding (PeculiarVentures' N-API wrapper of the PKCS#11
 * C API), loaded on first use rather than imported: a server whose binding was
 * not built still starts, and only PKCS#11 keys fail, with an error that tells
 * the operator what to do.
 */
import { createRequire } from "node:module";
import type * as Pkcs11js from "pkcs11js";
import { pkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";

export type Pkcs11Binding = typeof Pkcs11js;
export type Pkcs11Api = Pkcs11js.PKCS11;
/** A PKCS#11 handle (slot, session, object) as the binding passes it: a native-endian CK_ULONG in a Buffer. */
export type Handle = Buffer;
export type Pkcs11Template = Pkcs11js.Template;

let binding: Pkcs11Binding | undefined;

export function loadPkcs11Binding(modulePath: string): Pkcs11Binding {
  if (binding) return binding;
  try {
    binding = createRequire(import.meta.url)("pkcs11js") as Pkcs11Binding;
    return binding;
  } catch (error) {
    const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
    const cause = new Error(`require("pkcs11js"): ${text}`);
    cause.name = "Pkcs11BindingError";
    throw pkcs11Error("pkcs11.binding_unavailable", { modulePath }, {}, { cause });
  }
}
