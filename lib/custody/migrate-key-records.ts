import { replaceAudited } from "@/lib/audit/record-reencryption";
import type { Db } from "@/lib/db/client";
import { isAeadRecord } from "@/lib/engine/crypto";
import {
  LEGACY_DATA_KEY_FORMAT,
  LEGACY_PLATFORM_KEY_FORMAT,
  LocalMasterKey,
  reencryptLegacyPrivateKey,
  type MasterKey,
} from "@/lib/engine/keys/platform";
import {
  allKeyMaterial,
  allWrappedDataKeys,
  replaceKeyMaterialIfUnchanged,
  replaceWrappedDataKeyIfUnchanged,
} from "@/lib/custody/key-material-store";

export type KeyRecordMigration = {
  dataKeys: number;
  platformKeys: number;
  unreadableDataKeys: string[];
  unreadablePlatformKeys: string[];
};

/**
 * Start-up migration of key custody records still in the legacy unversioned box: data keys
 * wrapped by the local master key (a KMS ciphertext is opaque and stays), then platform keys'
 * ciphertexts under their organisation's data key. Like rewrapDataKeys: one record per
 * transaction with its audit entry in the platform chain, written only if the row still holds
 * the bytes read, so it is safe to run again and alongside another instance. Records that do
 * not open are reported and left as they are. Only records without the AEAD header are taken
 * up, so a start-up with nothing to migrate unwraps nothing (no KMS call); the rare legacy
 * record that begins with the header by chance is still read (openRecordOrLegacy) and stays.
 */
export async function migrateKeyRecords(db: Db, masterKey: MasterKey): Promise<KeyRecordMigration> {
  const result: KeyRecordMigration = {
    dataKeys: 0,
    platformKeys: 0,
    unreadableDataKeys: [],
    unreadablePlatformKeys: [],
  };
  if (masterKey instanceof LocalMasterKey) await migrateDataKeys(db, masterKey, result);
  await migratePlatformKeys(db, masterKey, result);
  return result;
}

async function migrateDataKeys(db: Db, masterKey: LocalMasterKey, result: KeyRecordMigration): Promise<void> {
  for (const row of await allWrappedDataKeys(db)) {
    if (isAeadRecord(row.wrappedKey)) continue;
    let wrapped: Uint8Array | null;
    try {
      if (row.masterKeyId !== masterKey.id) throw new Error("wrapped by another master key");
      wrapped = await masterKey.rewrapLegacy(row.wrappedKey, { orgId: row.orgId });
    } catch {
      result.unreadableDataKeys.push(row.orgId);
      continue;
    }
    if (wrapped === null) continue;
    const next = wrapped;
    const change = {
      subjectType: "organisation",
      subjectId: row.orgId,
      column: "OrgDataKey.wrappedKey",
      from: LEGACY_DATA_KEY_FORMAT,
    } as const;
    const done = await replaceAudited(db, change, (tx) =>
      replaceWrappedDataKeyIfUnchanged(tx, row.orgId, row.wrappedKey, next, row.masterKeyId),
    );
    if (done) result.dataKeys += 1;
  }
}

async function migratePlatformKeys(db: Db, masterKey: MasterKey, result: KeyRecordMigration): Promise<void> {
  const legacy = (await allKeyMaterial(db)).filter((row) => !isAeadRecord(row.ciphertext));
  if (legacy.length === 0) return;
  const wrappedByOrg = new Map((await allWrappedDataKeys(db)).map((row) => [row.orgId, row]));
  for (const orgId of [...new Set(legacy.map((row) => row.orgId))]) {
    const rows = legacy.filter((row) => row.orgId === orgId);
    const wrapped = wrappedByOrg.get(orgId);
    let dataKey: Buffer;
    try {
      if (wrapped === undefined || wrapped.masterKeyId !== masterKey.id)
        throw new Error("no data key under this master key");
      dataKey = await masterKey.unwrap(wrapped.wrappedKey, { orgId });
    } catch {
      result.unreadablePlatformKeys.push(...rows.map((row) => row.keyId));
      continue;
    }
    try {
      for (const row of rows) {
        let ciphertext: Uint8Array | null;
        try {
          ciphertext = reencryptLegacyPrivateKey(row.ciphertext, dataKey, { orgId, keyId: row.keyId });
        } catch {
          result.unreadablePlatformKeys.push(row.keyId);
          continue;
        }
        if (ciphertext === null) continue;
        const next = ciphertext;
        const change = {
          subjectType: "signing_key",
          subjectId: row.keyId,
          column: "PlatformKeyMaterial.ciphertext",
          from: LEGACY_PLATFORM_KEY_FORMAT,
        } as const;
        const done = await replaceAudited(db, change, (tx) =>
          replaceKeyMaterialIfUnchanged(tx, row.keyId, row.ciphertext, next),
        );
        if (done) result.platformKeys += 1;
      }
    } finally {
      dataKey.fill(0);
    }
  }
}
