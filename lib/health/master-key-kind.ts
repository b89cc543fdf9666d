import type { Env } from "@/lib/config/settings";

/** Where the master key comes from: what /api/health may say about it (never the key or its id). */
export type MasterKeyKind = "kms" | "file" | "env" | "generated";

/** The source resolveMasterKey (lib/custody/master-key-config.ts) picks, in the same order. */
export function masterKeyKind(env: Env = process.env): MasterKeyKind {
  if ((env.SIGNET_MASTER_KEY_KMS_KEY_ID ?? "") !== "") return "kms";
  if ((env.SIGNET_MASTER_KEY ?? "") !== "") return "env";
  if ((env.SIGNET_MASTER_KEY_FILE ?? "") !== "") return "file";
  return "generated";
}
