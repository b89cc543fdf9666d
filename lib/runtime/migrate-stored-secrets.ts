import { migrateAuditSigningKeys } from "@/lib/audit/audit-signing-key";
import { migrateSiemSecrets } from "@/lib/audit/migrate-siem-secrets";
import { siemKeyFromSecret } from "@/lib/audit/siem-secret";
import { migrateTotpSecrets } from "@/lib/auth/totp/migrate-totp-secrets";
import { totpKeyFromSecret } from "@/lib/auth/totp/secret-box";
import { migrateKeyRecords } from "@/lib/custody/migrate-key-records";
import type { Db } from "@/lib/db/client";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { log } from "@/lib/log/logger";

/**
 * Start-up pass: secrets stored in a legacy format are rewritten as AEAD records. It runs
 * here because their keys derive from AUTH_SECRET or are wrapped by the master key, neither
 * of which the database holds. Only ids and counts are logged.
 */
export async function migrateStoredSecrets(db: Db, authSecret: string, masterKey: MasterKey): Promise<void> {
  const totp = await migrateTotpSecrets(db, totpKeyFromSecret(authSecret));
  const siem = await migrateSiemSecrets(db, siemKeyFromSecret(authSecret));
  if (totp.migrated + siem.migrated > 0)
    log.info(
      { totpSecrets: totp.migrated, siemSecrets: siem.migrated },
      "stored secrets rewritten in the AEAD record format",
    );
  if (totp.unreadable.length > 0)
    log.warn(
      { userIds: totp.unreadable },
      "TOTP secrets in the legacy format do not open under this AUTH_SECRET; left as they are",
    );
  if (siem.unreadable.length > 0)
    log.warn(
      { orgIds: siem.unreadable },
      "SIEM webhook secrets in the legacy format do not open under this AUTH_SECRET; left as they are",
    );
  const keys = await migrateKeyRecords(db, masterKey);
  const auditKeys = await migrateAuditSigningKeys(db, masterKey);
  if (keys.dataKeys + keys.platformKeys + auditKeys.migrated > 0) {
    log.info(
      { dataKeys: keys.dataKeys, platformKeys: keys.platformKeys, auditSigningKeys: auditKeys.migrated },
      "key custody records rewritten in the AEAD record format",
    );
  }
  if (keys.unreadableDataKeys.length > 0)
    log.warn(
      { orgIds: keys.unreadableDataKeys },
      "data keys in the legacy format do not open under this master key; left as they are",
    );
  if (keys.unreadablePlatformKeys.length > 0)
    log.warn(
      { keyIds: keys.unreadablePlatformKeys },
      "platform keys in the legacy format do not open; left as they are",
    );
  if (auditKeys.unreadable.length > 0)
    log.warn(
      { keyIds: auditKeys.unreadable },
      "audit signing keys in the legacy format do not open under this master key; left as they are",
    );
}
