import fs from "node:fs";
import { parseArgs } from "node:util";
import { readSettings } from "@/lib/config/settings";
import { resolveMasterKey } from "@/lib/custody/master-key-config";
import { rewrapAuditSigningKeys } from "@/lib/audit/audit-signing-key";
import { rewrapDataKeys } from "@/lib/custody/rewrap-data-keys";
import { openDatabase } from "@/lib/db/client";
import { databaseTarget } from "@/lib/db/target";
import { isSignetError } from "@/lib/engine/errors";
import { LocalMasterKey } from "@/lib/engine/keys/platform";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { wantsHelp, type Command, type CommandIo } from "@/cli/command";

const USAGE = `usage: signet keys rewrap (--to-key-env VAR | --to-key-file FILE | --to-kms KEY_ID [--to-kms-region REGION])

Re-wraps every organisation's data key (and the platform audit signing key) from the current
master key (SIGNET_MASTER_KEY, SIGNET_MASTER_KEY_FILE, SIGNET_MASTER_KEY_KMS_KEY_ID, or the
generated one in the data directory) to a new one. Key ciphertexts are not touched. Stop Signet
first when it runs on the embedded database. Afterwards, start Signet with the new master key.

The new master key, exactly one of:
  --to-key-env VAR          the environment variable holding it (base64 of 32 random bytes)
  --to-key-file FILE        a file holding it (base64 of 32 random bytes)
  --to-kms KEY_ID           an AWS KMS symmetric key (ARN, key id or alias); credentials from the
                            AWS SDK's usual chain, endpoint from SIGNET_MASTER_KEY_KMS_ENDPOINT
  --to-kms-region REGION    the KMS key's region (default AWS_REGION)
  -h, --help                this help

Exit codes: 0 re-wrapped; 1 it failed (or the new key is the current one); 2 the command line is wrong.
`;

/** Every option of `keys rewrap`; the help describes each (cli/signet.test.ts checks it). */
export const REWRAP_OPTIONS = {
  "to-key-env": { type: "string" },
  "to-key-file": { type: "string" },
  "to-kms": { type: "string" },
  "to-kms-region": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const keysCommand: Command = {
  name: "keys",
  summary: "key custody administration (rewrap)",
  async run(args: string[], io: CommandIo): Promise<number> {
    if (wantsHelp(args)) {
      io.stdout(USAGE);
      return 0;
    }
    const [sub, ...rest] = args;
    if (sub !== "rewrap") {
      io.stderr(sub === undefined ? USAGE : `signet keys: unknown subcommand "${sub}"\n${USAGE}`);
      return 2;
    }
    let values: { "to-key-env"?: string; "to-key-file"?: string; "to-kms"?: string; "to-kms-region"?: string };
    try {
      values = parseArgs({ args: rest, options: REWRAP_OPTIONS }).values;
    } catch (error) {
      io.stderr(`signet keys rewrap: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    const targets = [values["to-key-env"], values["to-key-file"], values["to-kms"]].filter((v) => v !== undefined);
    if (targets.length !== 1) {
      io.stderr(`signet keys rewrap: give exactly one new master key\n${USAGE}`);
      return 2;
    }
    try {
      const settings = readSettings();
      const current = (await resolveMasterKey(settings)).masterKey;
      const next = await newMasterKey(values);
      if (next.id === current.id) {
        io.stderr("signet keys rewrap: the new master key is the current one; nothing to do.\n");
        return 1;
      }
      const database = await openDatabase(databaseTarget(settings));
      try {
        const { rewrapped, alreadyDone } = await rewrapDataKeys(database.db, current, next);
        const audit = await rewrapAuditSigningKeys(database.db, current, next);
        io.stdout(
          `Re-wrapped ${rewrapped} data key(s)${audit.rewrapped > 0 ? ` and ${audit.rewrapped} audit signing key(s)` : ""} from ${current.id} to ${next.id}${alreadyDone > 0 ? ` (${alreadyDone} already were)` : ""}. Start Signet with the new master key now.\n`,
        );
      } finally {
        await database.close();
      }
      return 0;
    } catch (error) {
      io.stderr(
        `signet keys rewrap: ${isSignetError(error) ? error.message : `unexpected error: ${(error as Error).message}`}\n`,
      );
      return 1;
    }
  },
};

async function newMasterKey(values: {
  "to-key-env"?: string;
  "to-key-file"?: string;
  "to-kms"?: string;
  "to-kms-region"?: string;
}): Promise<MasterKey> {
  if (values["to-key-env"] !== undefined) {
    const value = process.env[values["to-key-env"]];
    if (value === undefined || value === "")
      throw new Error(`the environment variable ${values["to-key-env"]} is not set`);
    return new LocalMasterKey(value);
  }
  if (values["to-key-file"] !== undefined)
    return new LocalMasterKey(fs.readFileSync(values["to-key-file"], "utf8").trim());
  const region = values["to-kms-region"] ?? process.env.AWS_REGION;
  if (region === undefined) throw new Error("--to-kms needs --to-kms-region (or AWS_REGION)");
  const { AwsKmsMasterKey } = await import("@/lib/engine/keys/aws-kms");
  return AwsKmsMasterKey.connect({
    keyId: values["to-kms"]!,
    region,
    endpoint: process.env.SIGNET_MASTER_KEY_KMS_ENDPOINT || undefined,
  });
}
