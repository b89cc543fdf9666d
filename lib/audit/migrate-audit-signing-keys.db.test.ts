import { createCipheriv, createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation } from "@/test/support/signet-accounts";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { appendAudit } from "@/lib/audit/append-audit";
import { chainIdFor, PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { migrateAuditSigningKeys, signWithAuditKey } from "@/lib/audit/audit-signing-key";
import { verifyCheckpoint } from "@/lib/audit/checkpoint-verify";
import { createCheckpoint } from "@/lib/audit/checkpoints";

const masterBytes = randomBytes(32);
const master = new LocalMasterKey(masterBytes.toString("base64"));
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

/** The unversioned box the old code wrote (IV ‖ ciphertext ‖ tag), built with node:crypto, not with Signet's code. */
function oldBox(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The old envelope: 0x01 ‖ length (2) ‖ data key wrapped by the local master key ‖ box, both parts in the old format. */
function oldEnvelope(wrappingKey: Uint8Array, id: string, pkcs8: Uint8Array): Uint8Array<ArrayBuffer> {
  const dataKey = randomBytes(32);
  const wrapped = oldBox(wrappingKey, dataKey, "signet:data-key:v1:platform-audit-key");
  const length = Buffer.alloc(2);
  length.writeUInt16BE(wrapped.length);
  return new Uint8Array(
    Buffer.concat([Buffer.from([1]), length, wrapped, oldBox(dataKey, pkcs8, `signet:audit-signing-key:v1:${id}`)]),
  );
}

async function legacyAuditKey(
  options: { retired?: boolean; masterKeyId?: string; wrappingKey?: Uint8Array } = {},
): Promise<{ id: string; stored: Uint8Array<ArrayBuffer> }> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const spki = publicKey.export({ type: "spki", format: "der" });
  const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
  const id = createHash("sha256").update(spki).digest("hex");
  const stored = oldEnvelope(options.wrappingKey ?? masterBytes, id, pkcs8);
  pkcs8.fill(0);
  await t.db.auditSigningKey.create({
    data: {
      id,
      algorithm: "Ed25519",
      publicKey: spki,
      privateKeyEncrypted: stored,
      masterKeyId: options.masterKeyId ?? master.id,
      retiredAt: options.retired ? new Date() : null,
    },
  });
  return { id, stored };
}

async function checkpointVerifies(): Promise<string> {
  const { orgId } = await createOrganisation(t.db);
  await t.db.$transaction((tx) => appendAudit(tx, { orgId, actorId: null, action: "member.removed", data: { n: 1 } }));
  const checkpoint = await createCheckpoint(t.db, master, chainIdFor(orgId), { actorId: null });
  expect((await verifyCheckpoint(t.db, checkpoint)).valid).toBe(true);
  return checkpoint.keyId;
}

const storedOf = async (id: string) =>
  Buffer.from((await t.db.auditSigningKey.findUniqueOrThrow({ where: { id } })).privateKeyEncrypted);

describe("an audit signing key of the legacy format", () => {
  it("signs a checkpoint, is rewritten as AEAD records with an audit entry, and signs the same after; a second run changes nothing", async () => {
    const { id, stored } = await legacyAuditKey();
    expect(await checkpointVerifies()).toBe(id);

    expect(await migrateAuditSigningKeys(t.db, master)).toEqual({ migrated: 1, unreadable: [] });
    const migrated = await storedOf(id);
    expect(migrated.equals(stored)).toBe(false);
    expect(migrated[0]).toBe(1);
    const wrappedLength = migrated.readUInt16BE(1);
    expect(migrated.subarray(3, 8).toString("latin1")).toBe("SGAE\x01");
    expect(migrated.subarray(3 + wrappedLength, 8 + wrappedLength).toString("latin1")).toBe("SGAE\x01");
    const audit = await t.db.auditEntry.findMany({
      where: { chainId: PLATFORM_CHAIN, action: "secret.reencrypted", subjectId: id },
    });
    expect(audit).toEqual([
      expect.objectContaining({
        subjectType: "audit_signing_key",
        data: {
          column: "AuditSigningKey.privateKeyEncrypted",
          from: "data-key/v1+audit-signing-key/v1",
          to: "aead-record/v1",
        },
      }),
    ]);
    expect(await checkpointVerifies()).toBe(id);

    const entries = await t.db.auditEntry.count();
    expect(await migrateAuditSigningKeys(t.db, master)).toEqual({ migrated: 0, unreadable: [] });
    expect((await storedOf(id)).equals(migrated)).toBe(true);
    expect(await t.db.auditEntry.count()).toBe(entries);
  });

  it("one that does not open is listed and left unchanged; a migrated record moved to another key's row does not open", async () => {
    const foreign = await legacyAuditKey({ retired: true, wrappingKey: randomBytes(32) });
    const elsewhere = await legacyAuditKey({ retired: true, masterKeyId: "local:another" });
    const entries = await t.db.auditEntry.count();
    const result = await migrateAuditSigningKeys(t.db, master);
    expect({ ...result, unreadable: [...result.unreadable].sort() }).toEqual({
      migrated: 0,
      unreadable: [foreign.id, elsewhere.id].sort(),
    });
    expect((await storedOf(foreign.id)).equals(foreign.stored)).toBe(true);
    expect((await storedOf(elsewhere.id)).equals(elsewhere.stored)).toBe(true);
    expect(await t.db.auditEntry.count()).toBe(entries);

    const current = await t.db.auditSigningKey.findFirstOrThrow({ where: { retiredAt: null } });
    const moved = await legacyAuditKey();
    await t.db.auditSigningKey.update({
      where: { id: moved.id },
      data: { privateKeyEncrypted: current.privateKeyEncrypted },
    });
    await expect(signWithAuditKey(t.db, master, moved.id, Buffer.from("x"))).rejects.toMatchObject({
      code: "audit.signing_key_unreadable",
    });
    await expect(signWithAuditKey(t.db, master, current.id, Buffer.from("x"))).resolves.toHaveLength(64);
  });
});
