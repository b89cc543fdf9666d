import fs from "node:fs";
import { ConfigError } from "@/lib/config/config-error";
import { MASTER_KEY, resolveSecret } from "@/lib/config/secrets";
import type { Env, Settings } from "@/lib/config/settings";
import { LocalMasterKey } from "@/lib/engine/keys/platform";
import type { MasterKey } from "@/lib/engine/keys/platform";

export type MasterKeySource = { masterKey: MasterKey; generatedFile?: string };

/**
 * The master key, from (in order): an AWS KMS key (SIGNET_MASTER_KEY_KMS_KEY_ID), the
 * environment (SIGNET_MASTER_KEY), a file (SIGNET_MASTER_KEY_FILE), or — outside production on
 * an external database — a key generated into <data dir>/secrets/master-key (mode 0600).
 */
export async function resolveMasterKey(settings: Settings, env: Env = process.env): Promise<MasterKeySource> {
  const kmsKeyId = env.SIGNET_MASTER_KEY_KMS_KEY_ID;
  if (kmsKeyId !== undefined && kmsKeyId !== "") {
    const region = env.SIGNET_MASTER_KEY_KMS_REGION ?? env.AWS_REGION;
    if (region === undefined || region === "")
      throw new ConfigError(
        "SIGNET_MASTER_KEY_KMS_KEY_ID is set but no region: set SIGNET_MASTER_KEY_KMS_REGION (or AWS_REGION).",
      );
    const { AwsKmsMasterKey } = await import("@/lib/engine/keys/aws-kms");
    return {
      masterKey: await AwsKmsMasterKey.connect({
        keyId: kmsKeyId,
        region,
        endpoint: env.SIGNET_MASTER_KEY_KMS_ENDPOINT || undefined,
      }),
    };
  }
  const file = env.SIGNET_MASTER_KEY_FILE;
  if (file !== undefined && file !== "" && (env.SIGNET_MASTER_KEY ?? "") === "") {
    if (!fs.existsSync(file)) throw new ConfigError(`SIGNET_MASTER_KEY_FILE points at ${file}, which does not exist.`);
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw new ConfigError(
        `${file} holds the master key but is readable by other users (mode ${mode.toString(8)}). Run: chmod 600 ${file}`,
      );
    return { masterKey: new LocalMasterKey(fs.readFileSync(file, "utf8").trim()) };
  }
  const secret = resolveSecret(MASTER_KEY, settings, env);
  return { masterKey: new LocalMasterKey(secret.value), generatedFile: secret.generated ? secret.file : undefined };
}
