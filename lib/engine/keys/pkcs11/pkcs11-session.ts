/**
 * One PKCS#11 session on a token, logged in as the user (see pkcs11-login.ts for
 * why the login is shared and how a wrong PIN is still caught). Read-only unless
 * asked: signing needs no more. Closing is idempotent and never throws.
 */
import type { Handle } from "@/lib/engine/keys/pkcs11/pkcs11-binding";
import { CKF } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import type { Pkcs11ErrorDetails } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import type { Pkcs11Module } from "@/lib/engine/keys/pkcs11/pkcs11-module";
import type { FoundToken } from "@/lib/engine/keys/pkcs11/pkcs11-token";
import { forgetSessionLogin, loginSession } from "@/lib/engine/keys/pkcs11/pkcs11-login";
import { toPkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";

export class Pkcs11Session {
  readonly module: Pkcs11Module;
  readonly slot: Handle;
  readonly handle: Handle;
  #open = true;

  private constructor(module: Pkcs11Module, slot: Handle, handle: Handle) {
    this.module = module;
    this.slot = slot;
    this.handle = handle;
  }

  static open(
    module: Pkcs11Module,
    token: FoundToken,
    pin: string,
    options: { readWrite: boolean; context: Pkcs11ErrorDetails },
  ): Pkcs11Session {
    const { api, logins } = module;
    let handle: Handle;
    try {
      handle = api.C_OpenSession(token.slot, CKF.SERIAL_SESSION | (options.readWrite ? CKF.RW_SESSION : 0));
    } catch (error) {
      throw toPkcs11Error(error, { ...options.context, operation: "C_OpenSession" });
    }
    try {
      loginSession(api, logins, token.slot, handle, pin, options.context);
    } catch (error) {
      try {
        api.C_CloseSession(handle);
      } catch {
        // The login error is the one to report.
      }
      throw error;
    }
    return new Pkcs11Session(module, token.slot, handle);
  }

  get isOpen(): boolean {
    return this.#open;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.module.api.C_CloseSession(this.handle);
    } catch {
      // Already gone (token removed, library finalised): nothing to release.
    }
    forgetSessionLogin(this.module.logins, this.slot);
  }
}
