import type { Db } from "@/lib/db/client";
import { sealRecord } from "@/lib/engine/crypto";
import { replaceAudited } from "@/lib/audit/record-reencryption";
import { isLegacySiemSecret, openLegacySiemSecret } from "@/lib/audit/legacy-siem-secret";
import { siemSecretBinding, type SiemKey } from "@/lib/audit/siem-secret";

/**
 * Rewrites every SIEM webhook secret still in the legacy format as an AEAD record, one
 * organisation per transaction with its audit entry in the platform chain (like a master-key
 * re-wrap). The write is conditional on the row still holding the bytes that were read, so a
 * secret replaced meanwhile is left alone. Secrets that no longer open (AUTH_SECRET changed)
 * are reported and left as they are: an administrator sets a new one, as before. Safe to run
 * again: migrated rows are not legacy any more.
 */
export async function migrateSiemSecrets(db: Db, key: SiemKey): Promise<{ migrated: number; unreadable: string[] }> {
  const result = { migrated: 0, unreadable: [] as string[] };
  const rows = await db.organization.findMany({
    where: { siemSecretEncrypted: { not: null } },
    select: { id: true, siemSecretEncrypted: true },
    orderBy: { id: "asc" },
  });
  for (const row of rows) {
    const stored = row.siemSecretEncrypted;
    if (stored === null || !isLegacySiemSecret(stored)) continue;
    let secret: Buffer;
    try {
      secret = openLegacySiemSecret(key.key, row.id, stored);
    } catch {
      result.unreadable.push(row.id);
      continue;
    }
    try {
      const sealed = Buffer.from(sealRecord(key.key, secret, siemSecretBinding(row.id)));
      const change = {
        subjectType: "organisation",
        subjectId: row.id,
        column: "Organization.siemSecretEncrypted",
        from: "siem-secret/v1",
      } as const;
      const done = await replaceAudited(db, change, async (tx) => {
        const updated = await tx.organization.updateMany({
          where: { id: row.id, siemSecretEncrypted: { equals: Buffer.from(stored) } },
          data: { siemSecretEncrypted: sealed },
        });
        return updated.count === 1;
      });
      if (done) result.migrated += 1;
    } finally {
      secret.fill(0);
    }
  }
  return result;
}
