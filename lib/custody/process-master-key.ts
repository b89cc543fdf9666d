import { readSettings } from "@/lib/config/settings";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { resolveMasterKey } from "@/lib/custody/master-key-config";

const GLOBAL_KEY = Symbol.for("signet.masterKey");
type GlobalWithMasterKey = typeof globalThis & { [GLOBAL_KEY]?: Promise<MasterKey> };

/** The running app's master key, resolved once per process from the same settings start-up checked. */
export function processMasterKey(): Promise<MasterKey> {
  const g = globalThis as GlobalWithMasterKey;
  g[GLOBAL_KEY] ??= resolveMasterKey(readSettings()).then((source) => source.masterKey);
  return g[GLOBAL_KEY];
}
