import { appendAudit } from "@/lib/audit/append-audit";
import type { Db } from "@/lib/db/client";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { allWrappedDataKeys, replaceWrappedDataKey } from "@/lib/custody/key-material-store";

/**
 * Re-wraps every organisation's data key from `current` to `next`, one organisation per
 * transaction (with its audit entry in the platform chain). Key ciphertexts are untouched:
 * they are encrypted under the data keys, which do not change. Safe to run again after an
 * interruption: rows already under `next` are skipped.
 */
export async function rewrapDataKeys(
  db: Db,
  current: MasterKey,
  next: MasterKey,
): Promise<{ rewrapped: number; alreadyDone: number }> {
  let rewrapped = 0;
  let alreadyDone = 0;
  for (const row of await allWrappedDataKeys(db)) {
    if (row.masterKeyId === next.id) {
      alreadyDone += 1;
      continue;
    }
    const plaintext = await current.unwrap(row.wrappedKey, { orgId: row.orgId });
    try {
      const wrapped = await next.wrap(plaintext, { orgId: row.orgId });
      await db.$transaction(async (tx) => {
        await replaceWrappedDataKey(tx, row.orgId, wrapped, next.id);
        await appendAudit(tx, {
          orgId: null,
          actorId: null,
          action: "master_key.rewrapped",
          subjectType: "organisation",
          subjectId: row.orgId,
          data: { from: current.id, to: next.id },
        });
      });
      rewrapped += 1;
    } finally {
      plaintext.fill(0);
    }
  }
  return { rewrapped, alreadyDone };
}
