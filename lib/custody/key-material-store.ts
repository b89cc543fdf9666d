/**
 * The only code that reads wrapped data keys and platform key ciphertext (SECURITY.md
 * invariant 3). Everything else works with SigningKey rows, which hold no secret.
 */
import type { Db, Tx } from "@/lib/db/client";
import type { KeyContext } from "@/lib/engine/keys/platform";
import type { MasterKey } from "@/lib/engine/keys/platform";
import type { PlatformKeyMaterialSource } from "@/lib/engine/keys/platform";
import { CustodyError } from "@/lib/custody/custody-errors";

export function keyMaterialSource(db: Db): PlatformKeyMaterialSource {
  return {
    async load(context: KeyContext) {
      const [material, dataKey] = await Promise.all([
        db.platformKeyMaterial.findUnique({ where: { keyId: context.keyId } }),
        db.orgDataKey.findUnique({ where: { orgId: context.orgId } }),
      ]);
      if (material === null || material.orgId !== context.orgId || dataKey === null) {
        throw new CustodyError(
          "custody.key_destroyed",
          "This key's private material no longer exists (it was destroyed); it cannot sign any more.",
          { status: 409 },
        );
      }
      return { keyBox: material.ciphertext, wrappedDataKey: dataKey.wrappedKey };
    },
  };
}

/**
 * The organisation's data key in plaintext (the caller overwrites it after use), created and
 * wrapped on first use. Concurrent first uses agree on one key: the insert is conditional and
 * the stored row is read back.
 */
export async function organisationDataKey(tx: Tx, orgId: string, masterKey: MasterKey): Promise<Buffer> {
  const existing = await tx.orgDataKey.findUnique({ where: { orgId } });
  if (existing !== null) return masterKey.unwrap(existing.wrappedKey, { orgId });
  const fresh = await masterKey.generateDataKey({ orgId });
  await tx.$executeRaw`INSERT INTO "OrgDataKey" ("orgId", "wrappedKey", "masterKeyId", "createdAt", "updatedAt") VALUES (${orgId}, ${Buffer.from(fresh.wrapped)}, ${masterKey.id}, now(), now()) ON CONFLICT ("orgId") DO NOTHING`;
  const stored = await tx.orgDataKey.findUniqueOrThrow({ where: { orgId } });
  if (Buffer.from(stored.wrappedKey).equals(Buffer.from(fresh.wrapped))) return fresh.plaintext;
  fresh.plaintext.fill(0);
  return masterKey.unwrap(stored.wrappedKey, { orgId });
}

export async function storeKeyMaterial(tx: Tx, context: KeyContext, ciphertext: Uint8Array): Promise<void> {
  await tx.platformKeyMaterial.create({
    data: { keyId: context.keyId, orgId: context.orgId, ciphertext: Buffer.from(ciphertext) },
  });
}

/** Crypto-erasure: the ciphertext goes, the certificate and public key stay. */
export async function eraseKeyMaterial(tx: Tx, keyId: string): Promise<boolean> {
  return (await tx.platformKeyMaterial.deleteMany({ where: { keyId } })).count > 0;
}

/** Every wrapped data key, for the re-wrap command and the start-up check. */
export async function allWrappedDataKeys(
  db: Db | Tx,
): Promise<{ orgId: string; wrappedKey: Uint8Array; masterKeyId: string }[]> {
  return db.orgDataKey.findMany({
    select: { orgId: true, wrappedKey: true, masterKeyId: true },
    orderBy: { orgId: "asc" },
  });
}

export async function replaceWrappedDataKey(
  tx: Tx,
  orgId: string,
  wrappedKey: Uint8Array,
  masterKeyId: string,
): Promise<void> {
  await tx.orgDataKey.update({ where: { orgId }, data: { wrappedKey: Buffer.from(wrappedKey), masterKeyId } });
}

/** Every platform key's ciphertext, for the start-up migration of legacy records. */
export async function allKeyMaterial(db: Db | Tx): Promise<{ keyId: string; orgId: string; ciphertext: Uint8Array }[]> {
  return db.platformKeyMaterial.findMany({
    select: { keyId: true, orgId: true, ciphertext: true },
    orderBy: [{ orgId: "asc" }, { keyId: "asc" }],
  });
}

/** Replaces a key's ciphertext only if the row still holds `stored`; whether it did. */
export async function replaceKeyMaterialIfUnchanged(
  tx: Tx,
  keyId: string,
  stored: Uint8Array,
  ciphertext: Uint8Array,
): Promise<boolean> {
  const updated = await tx.platformKeyMaterial.updateMany({
    where: { keyId, ciphertext: { equals: Buffer.from(stored) } },
    data: { ciphertext: Buffer.from(ciphertext) },
  });
  return updated.count === 1;
}

/** Replaces a wrapped data key only if the row still holds `stored` under `masterKeyId`; whether it did. */
export async function replaceWrappedDataKeyIfUnchanged(
  tx: Tx,
  orgId: string,
  stored: Uint8Array,
  wrappedKey: Uint8Array,
  masterKeyId: string,
): Promise<boolean> {
  const updated = await tx.orgDataKey.updateMany({
    where: { orgId, masterKeyId, wrappedKey: { equals: Buffer.from(stored) } },
    data: { wrappedKey: Buffer.from(wrappedKey) },
  });
  return updated.count === 1;
}
