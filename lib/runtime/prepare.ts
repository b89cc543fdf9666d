import { AUTH_SECRET, resolveSecret } from "@/lib/config/secrets";
import { readSettings, type Env, type Settings } from "@/lib/config/settings";
import { checkMasterKey } from "@/lib/custody/check-master-key";
import { resolveMasterKey } from "@/lib/custody/master-key-config";
import { processDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { openSqlSession } from "@/lib/db/sql-session";
import { databaseTarget, describeTarget } from "@/lib/db/target";
import { log } from "@/lib/log/logger";
import { migrateStoredSecrets } from "@/lib/runtime/migrate-stored-secrets";

/**
 * Everything the server needs before it takes requests: settings, secrets (generated into
 * the data directory on first run unless given), and a migrated database, left open as the
 * process's database for the app. Returns the environment the server must run with.
 */
export async function prepareRuntime(
  env: Env = process.env,
): Promise<{ settings: Settings; env: Record<string, string> }> {
  const settings = readSettings(env);
  const authSecret = resolveSecret(AUTH_SECRET, settings, env);
  if (authSecret.generated)
    log.info(
      { file: authSecret.file },
      "AUTH_SECRET was not set: generated one into the data directory (mode 0600). Set AUTH_SECRET to manage it yourself.",
    );

  const master = await resolveMasterKey(settings, env);
  if (master.generatedFile !== undefined)
    log.info(
      { file: master.generatedFile },
      "SIGNET_MASTER_KEY was not set: generated one into the data directory (mode 0600). Keep it with your backups: without it, platform-managed keys cannot be decrypted.",
    );

  const target = databaseTarget(settings);
  const database = await processDatabase(target);
  const session = await openSqlSession(target, database.pglite ?? undefined);
  try {
    const applied = await migrate(session);
    log.info(
      { database: describeTarget(target), applied },
      applied.length > 0 ? "database migrated" : "database is up to date",
    );
  } finally {
    await session.close();
  }
  // A wrong or missing master key stops start-up here rather than at the first seal. Secrets
  // still in a legacy at-rest format are then rewritten, while AUTH_SECRET and the master key are at hand.
  const { dataKeys } = await checkMasterKey(database.db, master.masterKey);
  log.info({ masterKey: master.masterKey.id, dataKeys }, "master key checked");
  await migrateStoredSecrets(database.db, authSecret.value, master.masterKey);

  return {
    settings,
    env: {
      AUTH_SECRET: authSecret.value,
      AUTH_TRUST_HOST: "true",
      SIGNET_DATA_DIR: settings.dataDir,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  };
}
