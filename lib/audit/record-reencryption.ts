import type { Db, Tx } from "@/lib/db/client";
import { appendAudit } from "@/lib/audit/append-audit";

export const AEAD_RECORD_FORMAT = "aead-record/v1";

export type Reencryption = {
  subjectType: "user" | "organisation" | "signing_key" | "audit_signing_key";
  subjectId: string;
  /** Table.column of the secret. */
  column: string;
  /** The format it was stored in. */
  from: string;
};

/**
 * One step of a start-up secret migration: `replace` swaps the stored bytes only if the row
 * still holds what was read (and says whether it did); when it did, the platform chain gets
 * its `secret.reencrypted` entry in the same transaction. False when the row had changed.
 */
export async function replaceAudited(
  db: Db,
  change: Reencryption,
  replace: (tx: Tx) => Promise<boolean>,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    if (!(await replace(tx))) return false;
    await appendAudit(tx, {
      orgId: null,
      actorId: null,
      action: "secret.reencrypted",
      subjectType: change.subjectType,
      subjectId: change.subjectId,
      data: { column: change.column, from: change.from, to: AEAD_RECORD_FORMAT },
    });
    return true;
  });
}
