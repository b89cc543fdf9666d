import { replaceAudited } from "@/lib/audit/record-reencryption";
import type { Db } from "@/lib/db/client";
import { sealRecord } from "@/lib/engine/crypto";
import { isLegacyTotpSecret, openLegacyTotpSecret } from "@/lib/auth/totp/legacy-totp-secret";
import { totpSecretBinding, type TotpKey } from "@/lib/auth/totp/secret-box";

export type SecretMigration = { migrated: number; unreadable: string[] };

/**
 * Rewrites every TOTP secret still in the legacy format as an AEAD record, one factor per
 * transaction with its audit entry in the platform chain (like a master-key re-wrap). The
 * write is conditional on the row still holding the bytes that were read, so a factor
 * replaced meanwhile is left alone. Records that no longer open (AUTH_SECRET changed) are
 * reported and left as they are: their owners recover with a recovery code, as before.
 * Safe to run again: migrated rows are not legacy any more.
 */
export async function migrateTotpSecrets(db: Db, key: TotpKey): Promise<SecretMigration> {
  const result: SecretMigration = { migrated: 0, unreadable: [] };
  const rows = await db.totpFactor.findMany({
    select: { userId: true, secretEncrypted: true },
    orderBy: { userId: "asc" },
  });
  for (const row of rows) {
    if (!isLegacyTotpSecret(row.secretEncrypted)) continue;
    let secret: Buffer;
    try {
      secret = openLegacyTotpSecret(key.key, row.userId, row.secretEncrypted);
    } catch {
      result.unreadable.push(row.userId);
      continue;
    }
    try {
      const sealed = Buffer.from(sealRecord(key.key, secret, totpSecretBinding(row.userId)));
      const change = {
        subjectType: "user",
        subjectId: row.userId,
        column: "TotpFactor.secretEncrypted",
        from: "totp-secret/v1",
      } as const;
      const done = await replaceAudited(db, change, async (tx) => {
        const updated = await tx.totpFactor.updateMany({
          where: { userId: row.userId, secretEncrypted: { equals: Buffer.from(row.secretEncrypted) } },
          data: { secretEncrypted: sealed },
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
