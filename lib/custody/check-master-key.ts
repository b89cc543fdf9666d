import type { Db } from "@/lib/db/client";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { PlatformKeyError } from "@/lib/engine/keys/platform";
import { allWrappedDataKeys } from "@/lib/custody/key-material-store";

/**
 * Start-up check: every wrapped data key must name this master key, and one of them must
 * actually unwrap. A missing or wrong master key stops start-up here, not at the first seal.
 */
export async function checkMasterKey(db: Db, masterKey: MasterKey): Promise<{ dataKeys: number }> {
  const rows = await allWrappedDataKeys(db);
  const foreign = rows.filter((row) => row.masterKeyId !== masterKey.id);
  if (foreign.length > 0) {
    const ids = [...new Set(foreign.map((row) => row.masterKeyId))].join(", ");
    throw new PlatformKeyError(
      "master_key.mismatch",
      `The configured master key (${masterKey.id}) is not the one that wrapped ${foreign.length} organisation data key(s) in this database (${ids}). ` +
        "Start Signet with the master key it used before, or re-wrap the data keys with `npm run --silent signet -- keys rewrap`.",
    );
  }
  const sample = rows[0];
  if (sample !== undefined) (await masterKey.unwrap(sample.wrappedKey, { orgId: sample.orgId })).fill(0);
  return { dataKeys: rows.length };
}
