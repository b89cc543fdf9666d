import { migrateSiemSecrets } from "../audit/migrate-siem-secrets";
import { siemKeyFromSecret } from "../audit/siem-secret";
import { migrateTotpSecrets } from "../auth/totp/migrate-totp-secrets";
import { totpKeyFromSecret } from "../auth/totp/secret-box";
import type { Db } from "../db/client";
import { log } from "../log/logger";

/**
 * Start-up pass: secrets stored in a legacy format are rewritten as AEAD records. It runs
 * here because their keys derive from AUTH_SECRET, which the database does not hold.
 */
export async function migrateStoredSecrets(db: Db, authSecret: string): Promise<void> {
  const totp = await migrateTotpSecrets(db, totpKeyFromSecret(authSecret));
  const siem = await migrateSiemSecrets(db, siemKeyFromSecret(authSecret));
  if (totp.migrated + siem.migrated > 0) log.info({ totpSecrets: totp.migrated, siemSecrets: siem.migrated }, "stored secrets rewritten in the AEAD record format");
  if (totp.unreadable.length > 0) log.warn({ userIds: totp.unreadable }, "TOTP secrets in the legacy format do not open under this AUTH_SECRET; left as they are");
  if (siem.unreadable.length > 0) log.warn({ orgIds: siem.unreadable }, "SIEM webhook secrets in the legacy format do not open under this AUTH_SECRET; left as they are");
}
