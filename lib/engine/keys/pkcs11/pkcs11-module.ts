/**
 * One loaded and initialised PKCS#11 library per process and library file.
 *
 * A PKCS#11 library may be initialised only once per process (a second
 * C_Initialize returns CKR_CRYPTOKI_ALREADY_INITIALIZED, even through a second
 * dlopen of a symlink to the same file), and every session of the process shares
 * its login state per token. So backends do not own libraries: they acquire the
 * shared module for a path (resolved to the real file) and release it; the last
 * release calls C_Finalize, and so does process exit for whatever is still open.
 * The library stays loaded (never dlclose'd) so that it can be initialised again.
 */
import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { CKF, CKR } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import { loadPkcs11Binding, type Pkcs11Api } from "@/lib/engine/keys/pkcs11/pkcs11-binding";
import { ckrOf, pkcs11Error, toPkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";
import type { TokenLogin } from "@/lib/engine/keys/pkcs11/pkcs11-login";

export interface Pkcs11Module {
  /** The path as configured (for messages). */
  readonly modulePath: string;
  readonly api: Pkcs11Api;
  /** Login state per slot, shared by every session of this process (see pkcs11-login.ts). */
  readonly logins: Map<string, TokenLogin>;
}

interface Loaded {
  readonly api: Pkcs11Api;
  initialised: boolean;
  /** False when someone else in the process had initialised the library: then we never finalise it. */
  ownsInitialisation: boolean;
  refs: number;
  readonly logins: Map<string, TokenLogin>;
}

const libraries = new Map<string, Loaded>();
let exitHookInstalled = false;

function finaliseAll(): void {
  for (const loaded of libraries.values()) finalise(loaded);
}

function finalise(loaded: Loaded): void {
  loaded.logins.clear();
  if (!loaded.initialised) return;
  loaded.initialised = false;
  if (!loaded.ownsInitialisation) return;
  try {
    loaded.api.C_Finalize();
  } catch {
    // Nothing useful to do while shutting down.
  }
}

function resolveLibrary(modulePath: string): string {
  if (!path.isAbsolute(modulePath)) {
    throw pkcs11Error(
      "pkcs11.invalid_reference",
      { modulePath },
      { reason: `the PKCS#11 library path "${modulePath}" must be absolute` },
    );
  }
  let real: string;
  try {
    real = realpathSync(modulePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "EACCES" ? "Signet may not read it (permission denied)" : "there is no such file";
    throw pkcs11Error("pkcs11.module_not_found", { modulePath }, { reason });
  }
  if (!statSync(real).isFile())
    throw pkcs11Error("pkcs11.module_not_found", { modulePath }, { reason: "it is not a file" });
  return real;
}

function load(modulePath: string, real: string): Loaded {
  const existing = libraries.get(real);
  if (existing) return existing;
  const binding = loadPkcs11Binding(modulePath);
  const api = new binding.PKCS11();
  try {
    api.load(real);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const reason = /C_GetFunctionList/.test(text)
      ? "it is not a PKCS#11 library (it has no C_GetFunctionList)"
      : "the system could not load it as a shared library (wrong architecture, or a dependency of it is missing)";
    const cause = new Error(`dlopen: ${text.split("\n")[0]}`);
    throw pkcs11Error("pkcs11.module_not_found", { modulePath }, { reason }, { cause });
  }
  const loaded: Loaded = { api, initialised: false, ownsInitialisation: false, refs: 0, logins: new Map() };
  libraries.set(real, loaded);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", finaliseAll);
  }
  return loaded;
}

function initialise(loaded: Loaded, modulePath: string): void {
  if (loaded.initialised) return;
  try {
    loaded.api.C_Initialize({ flags: CKF.OS_LOCKING_OK });
    loaded.ownsInitialisation = true;
  } catch (error) {
    if (ckrOf(error) !== CKR.CRYPTOKI_ALREADY_INITIALIZED) {
      throw toPkcs11Error(
        error,
        { modulePath, operation: "C_Initialize" },
        {
          reason:
            "the library could not start; check its configuration (for SoftHSM: SOFTHSM2_CONF and the token directory it names)",
        },
      );
    }
    loaded.ownsInitialisation = false;
  }
  loaded.initialised = true;
}

/** The shared, initialised module for this library path. Pair every call with `releasePkcs11Module`. */
export function acquirePkcs11Module(modulePath: string): Pkcs11Module {
  const real = resolveLibrary(modulePath);
  const loaded = load(modulePath, real);
  initialise(loaded, modulePath);
  loaded.refs += 1;
  return { modulePath, api: loaded.api, logins: loaded.logins };
}

/** The last release finalises the library (every session of it is closed by then). */
export function releasePkcs11Module(module: Pkcs11Module): void {
  for (const loaded of libraries.values()) {
    if (loaded.api !== module.api) continue;
    loaded.refs = Math.max(0, loaded.refs - 1);
    if (loaded.refs === 0) finalise(loaded);
    return;
  }
}
