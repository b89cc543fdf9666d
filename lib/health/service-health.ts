import type { Db } from "@/lib/db/client";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { allWrappedDataKeys } from "@/lib/custody/key-material-store";
import { HealthError, withinMs } from "@/lib/health/health-errors";
import type { MasterKeyKind } from "@/lib/health/master-key-kind";

export type CheckResult = { ok: true; ms: number } | { ok: false; ms: number; error: string };

/** What anyone may read: whether the service can work, with no secret and nothing about any organisation. */
export type ServiceHealth = {
  status: "ok" | "unavailable";
  database: CheckResult;
  masterKey: CheckResult & { kind: MasterKeyKind };
};

export type ServiceHealthDeps = {
  db: () => Promise<Db>;
  masterKey: () => Promise<MasterKey>;
  masterKeyKind: MasterKeyKind;
  timeoutMs?: number;
  /** Server-side record of what went wrong (the answer itself stays generic). */
  onFailure?: (check: "database" | "masterKey", error: unknown) => void;
};

/** Runs one check and times it; a failure is reported to `onFailure` and answered in `failure`'s words unless it is a HealthError. */
export async function timed(
  run: () => Promise<void>,
  failure: HealthError,
  onFailure: (error: unknown) => void,
): Promise<CheckResult> {
  const start = performance.now();
  try {
    await run();
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (error) {
    onFailure(error);
    // Only our own words reach the answer: a driver's or KMS's message could name hosts, ids or keys.
    return {
      ok: false,
      ms: Math.round(performance.now() - start),
      error: error instanceof HealthError ? error.message : failure.message,
    };
  }
}

/**
 * The master key is usable when it is configured (it resolves), it is the one that wrapped the
 * database's data keys, and one of them unwraps (the plaintext is overwritten at once).
 */
async function checkMasterKey(db: Db, masterKey: MasterKey): Promise<void> {
  const wrapped = await allWrappedDataKeys(db);
  if (wrapped.some((row) => row.masterKeyId !== masterKey.id))
    throw new HealthError("health.master_key_unusable", "the master key is not the one that wrapped the data keys");
  const sample = wrapped[0];
  if (sample !== undefined) (await masterKey.unwrap(sample.wrappedKey, { orgId: sample.orgId })).fill(0);
}

/** The database answers, and the master key is configured and usable (part of GET /api/ready). */
export async function serviceHealth(deps: ServiceHealthDeps): Promise<ServiceHealth> {
  const timeoutMs = deps.timeoutMs ?? 5_000;
  const report = (check: "database" | "masterKey") => (error: unknown) => deps.onFailure?.(check, error);
  const database = await timed(
    () => withinMs(timeoutMs, "The database", async () => void (await (await deps.db()).$queryRaw`SELECT 1`)),
    new HealthError("health.database_unreachable", "the database did not answer"),
    report("database"),
  );
  const masterKey = await timed(
    () =>
      withinMs(timeoutMs, "The master key", async () => {
        const key = await deps.masterKey();
        if (!database.ok)
          throw new HealthError(
            "health.master_key_unusable",
            "the master key could not be checked without the database",
          );
        await checkMasterKey(await deps.db(), key);
      }),
    new HealthError("health.master_key_unusable", "the master key is not configured or not usable"),
    report("masterKey"),
  );
  return {
    status: database.ok && masterKey.ok ? "ok" : "unavailable",
    database,
    masterKey: { ...masterKey, kind: deps.masterKeyKind },
  };
}
