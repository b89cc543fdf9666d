import { createCipheriv, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { verifyChain } from "@/lib/audit/verify-chain";
import { digest } from "@/lib/engine/crypto/hash";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { keyBackendFor } from "@/lib/custody/key-backends";
import { migrateKeyRecords } from "@/lib/custody/migrate-key-records";
import { storePlatformKey } from "@/lib/custody/platform-keys";

const masterBytes = randomBytes(32);
const master = new LocalMasterKey(masterBytes.toString("base64"));
const message = new TextEncoder().encode("signed attributes stand-in");
const signRequest = { message, digest: digest("SHA-256", message), hash: "SHA-256" as const };
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

/** The unversioned box the old code wrote (IV ‖ ciphertext ‖ tag), built with node:crypto, not with Signet's code. */
function oldBox(key: Uint8Array, plaintext: Uint8Array, aad: string): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  return new Uint8Array(Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]));
}

/** An organisation whose data key the local master key wrapped in the old format. */
async function legacyOrganisation(
  name: string,
): Promise<{ ctx: OrgContext; dataKey: Buffer; wrapped: Uint8Array<ArrayBuffer> }> {
  const org = await t.db.organization.create({ data: { name } });
  const user = await t.db.user.create({ data: { email: `${randomUUID()}@example.com`, name, passwordHash: "x" } });
  await t.db.membership.create({ data: { userId: user.id, orgId: org.id, roles: [Role.ADMIN] } });
  const dataKey = randomBytes(32);
  const wrapped = oldBox(masterBytes, dataKey, `signet:data-key:v1:${org.id}`);
  await t.db.orgDataKey.create({ data: { orgId: org.id, wrappedKey: wrapped, masterKeyId: master.id } });
  return { ctx: await authorize(t.db, user.id, org.id, "certificates.manage"), dataKey, wrapped };
}

/** A platform key whose PKCS#8 is stored in the old format under `dataKey` (or another key, to be unreadable). */
async function legacyPlatformKey(
  ctx: OrgContext,
  dataKey: Buffer,
  label: string,
): Promise<{ keyId: string; stored: Uint8Array<ArrayBuffer> }> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
  const keyId = randomUUID();
  await t.db.$transaction((tx) =>
    storePlatformKey(tx, ctx, { keyId, label, pkcs8, spki: publicKey.export({ type: "spki", format: "der" }) }, master),
  );
  const stored = oldBox(dataKey, pkcs8, `signet:platform-key:v1:${ctx.orgId}:${keyId}`);
  pkcs8.fill(0);
  await t.db.platformKeyMaterial.update({ where: { keyId }, data: { ciphertext: stored } });
  return { keyId, stored };
}

const sign = async (orgId: string, keyId: string) =>
  (await keyBackendFor(t.db, orgId, keyId, master)).sign(signRequest);
const materialOf = async (keyId: string) =>
  Buffer.from((await t.db.platformKeyMaterial.findUniqueOrThrow({ where: { keyId } })).ciphertext);
const wrappedOf = async (orgId: string) =>
  Buffer.from((await t.db.orgDataKey.findUniqueOrThrow({ where: { orgId } })).wrappedKey);
const reencrypted = (subjectId: string) =>
  t.db.auditEntry.findMany({ where: { chainId: PLATFORM_CHAIN, action: "secret.reencrypted", subjectId } });

describe("key custody records of the legacy format", () => {
  it("sign before the migration, are rewritten as audited AEAD records, and sign the same after; a second run changes nothing", async () => {
    const { ctx, dataKey, wrapped } = await legacyOrganisation("Alpha");
    const { keyId, stored } = await legacyPlatformKey(ctx, dataKey, "old seal");
    await expect(sign(ctx.orgId, keyId)).resolves.toBeInstanceOf(Uint8Array);

    expect(await migrateKeyRecords(t.db, master)).toEqual({
      dataKeys: 1,
      platformKeys: 1,
      unreadableDataKeys: [],
      unreadablePlatformKeys: [],
    });
    const newWrapped = await wrappedOf(ctx.orgId);
    const newMaterial = await materialOf(keyId);
    expect(newWrapped.equals(wrapped)).toBe(false);
    expect(newMaterial.equals(stored)).toBe(false);
    expect(newWrapped.subarray(0, 5).toString("latin1")).toBe("SGAE\x01");
    expect(newMaterial.subarray(0, 5).toString("latin1")).toBe("SGAE\x01");
    expect(await reencrypted(ctx.orgId)).toEqual([
      expect.objectContaining({
        subjectType: "organisation",
        data: { column: "OrgDataKey.wrappedKey", from: "data-key/v1", to: "aead-record/v1" },
      }),
    ]);
    expect(await reencrypted(keyId)).toEqual([
      expect.objectContaining({
        subjectType: "signing_key",
        data: { column: "PlatformKeyMaterial.ciphertext", from: "platform-key/v1", to: "aead-record/v1" },
      }),
    ]);
    expect((await verifyChain(t.db, PLATFORM_CHAIN)).valid).toBe(true);
    await expect(sign(ctx.orgId, keyId)).resolves.toBeInstanceOf(Uint8Array);

    const entries = await t.db.auditEntry.count();
    expect(await migrateKeyRecords(t.db, master)).toEqual({
      dataKeys: 0,
      platformKeys: 0,
      unreadableDataKeys: [],
      unreadablePlatformKeys: [],
    });
    expect((await wrappedOf(ctx.orgId)).equals(newWrapped)).toBe(true);
    expect((await materialOf(keyId)).equals(newMaterial)).toBe(true);
    expect(await t.db.auditEntry.count()).toBe(entries);
  });

  it("a record moved to another key does not open, old or migrated; records that do not open are listed and left unchanged", async () => {
    const { ctx, dataKey } = await legacyOrganisation("Beta");
    const a = await legacyPlatformKey(ctx, dataKey, "seal A");
    const b = await legacyPlatformKey(ctx, dataKey, "seal B");
    const c = await legacyPlatformKey(ctx, randomBytes(32), "seal C under a lost data key");
    await t.db.platformKeyMaterial.update({ where: { keyId: b.keyId }, data: { ciphertext: a.stored } });
    await expect(sign(ctx.orgId, b.keyId)).rejects.toMatchObject({ code: "platform_key.decrypt_failed" });
    const other = await t.db.organization.create({ data: { name: "Gamma" } });
    const foreignWrapped = oldBox(randomBytes(32), randomBytes(32), `signet:data-key:v1:${other.id}`);
    await t.db.orgDataKey.create({ data: { orgId: other.id, wrappedKey: foreignWrapped, masterKeyId: master.id } });

    const entries = await t.db.auditEntry.count();
    expect(await migrateKeyRecords(t.db, master)).toEqual({
      dataKeys: 1,
      platformKeys: 1,
      unreadableDataKeys: [other.id],
      unreadablePlatformKeys: [b.keyId, c.keyId].sort(),
    });
    expect(await t.db.auditEntry.count()).toBe(entries + 2);
    expect((await materialOf(b.keyId)).equals(a.stored)).toBe(true);
    expect((await materialOf(c.keyId)).equals(c.stored)).toBe(true);
    expect((await wrappedOf(other.id)).equals(foreignWrapped)).toBe(true);

    await t.db.platformKeyMaterial.update({
      where: { keyId: b.keyId },
      data: { ciphertext: await materialOf(a.keyId) },
    });
    await expect(sign(ctx.orgId, b.keyId)).rejects.toMatchObject({ code: "platform_key.decrypt_failed" });
    await expect(sign(ctx.orgId, a.keyId)).resolves.toBeInstanceOf(Uint8Array);
  });
});
