import { createPrivateKey, randomBytes, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { chainIdFor, PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { verifyChain } from "@/lib/audit/verify-chain";
import { digest } from "@/lib/engine/crypto/hash";
import { publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { checkMasterKey } from "@/lib/custody/check-master-key";
import { keyBackendFor } from "@/lib/custody/key-backends";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { rewrapDataKeys } from "@/lib/custody/rewrap-data-keys";

// Every plaintext PKCS#8 the signing path decrypts is kept here, to check it was overwritten.
const decrypted: Buffer[] = [];
vi.mock("@/lib/engine/keys/platform/key-envelope", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/engine/keys/platform/key-envelope")>();
  return {
    ...original,
    decryptPrivateKey: (...args: Parameters<typeof original.decryptPrivateKey>) => {
      const plaintext = original.decryptPrivateKey(...args);
      decrypted.push(plaintext);
      return plaintext;
    },
  };
});

const request = { ip: "192.0.2.1", userAgent: "vitest" };
const master = new LocalMasterKey(randomBytes(32).toString("base64"));
let t: TestDatabase;
let ctx: OrgContext;
let otherCtx: OrgContext;

async function orgWithAdmin(name: string): Promise<OrgContext> {
  const org = await t.db.organization.create({ data: { name } });
  const user = await t.db.user.create({
    data: { email: `${name.toLowerCase().replace(/\W/g, "")}@example.com`, name, passwordHash: "x" },
  });
  await t.db.membership.create({ data: { userId: user.id, orgId: org.id, roles: [Role.ADMIN] } });
  return authorize(t.db, user.id, org.id, "certificates.manage");
}

const message = new TextEncoder().encode("signed attributes stand-in");
const signRequest = { message, digest: digest("SHA-256", message), hash: "SHA-256" as const };

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = await orgWithAdmin("Alpha");
  otherCtx = await orgWithAdmin("Beta");
});
afterAll(async () => t?.drop());

describe("platform-managed keys", () => {
  for (const algorithm of ["EC-P256", "EC-P384", "RSA-2048"] as const) {
    it(`generates ${algorithm}, stores only ciphertext, and signs`, async () => {
      const { keyId } = await createPlatformKey(t.db, ctx, { label: `seal ${algorithm}`, algorithm }, master, request);
      const key = await t.db.signingKey.findUniqueOrThrow({ where: { id: keyId } });
      expect(key).toMatchObject({
        backend: "PLATFORM",
        algorithm: { "EC-P256": "ECDSA P-256", "EC-P384": "ECDSA P-384", "RSA-2048": "RSA 2048" }[algorithm],
        orgId: ctx.orgId,
      });
      expect(Object.keys(key).some((column) => /cipher|private|secret|wrapped/i.test(column))).toBe(false);
      const material = await t.db.platformKeyMaterial.findUniqueOrThrow({ where: { keyId } });
      expect(material.ciphertext.length).toBeGreaterThan(100);
      for (let offset = 0; offset <= 12; offset += 12) {
        expect(() =>
          createPrivateKey({ key: Buffer.from(material.ciphertext).subarray(offset), format: "der", type: "pkcs8" }),
        ).toThrow();
      }

      const backend = await keyBackendFor(t.db, ctx.orgId, keyId, master);
      decrypted.length = 0;
      const signature = await backend.sign(signRequest);
      const publicKey = publicKeyFromSpki(await backend.publicKey());
      expect(
        verify(
          "sha256",
          message,
          publicKey.asymmetricKeyType === "ec" ? { key: publicKey, dsaEncoding: "der" } : publicKey,
          signature,
        ),
      ).toBe(true);
      // Invariant 1: the plaintext existed only inside sign() and was overwritten before it returned.
      expect(decrypted).toHaveLength(1);
      expect(decrypted[0]!.every((byte) => byte === 0)).toBe(true);
      expect(
        await t.db.auditEntry.count({
          where: { chainId: chainIdFor(ctx.orgId), action: "key.generated", subjectId: keyId },
        }),
      ).toBe(1);
    });
  }

  it("a ciphertext copied onto another key record or organisation does not decrypt", async () => {
    const a = await createPlatformKey(t.db, ctx, { label: "copy source", algorithm: "EC-P256" }, master, request);
    const b = await createPlatformKey(t.db, ctx, { label: "copy target", algorithm: "EC-P256" }, master, request);
    const c = await createPlatformKey(t.db, otherCtx, { label: "other org", algorithm: "EC-P256" }, master, request);
    const source = await t.db.platformKeyMaterial.findUniqueOrThrow({ where: { keyId: a.keyId } });
    await t.db.platformKeyMaterial.update({ where: { keyId: b.keyId }, data: { ciphertext: source.ciphertext } });
    await t.db.platformKeyMaterial.update({ where: { keyId: c.keyId }, data: { ciphertext: source.ciphertext } });
    await expect((await keyBackendFor(t.db, ctx.orgId, b.keyId, master)).sign(signRequest)).rejects.toMatchObject({
      code: "platform_key.decrypt_failed",
    });
    await expect((await keyBackendFor(t.db, otherCtx.orgId, c.keyId, master)).sign(signRequest)).rejects.toMatchObject({
      code: "platform_key.decrypt_failed",
    });
    // Org B's wrapped data key on org A's row does not unwrap either.
    const beta = await t.db.orgDataKey.findUniqueOrThrow({ where: { orgId: otherCtx.orgId } });
    const alpha = await t.db.orgDataKey.findUniqueOrThrow({ where: { orgId: ctx.orgId } });
    await t.db.orgDataKey.update({ where: { orgId: ctx.orgId }, data: { wrappedKey: beta.wrappedKey } });
    await expect((await keyBackendFor(t.db, ctx.orgId, a.keyId, master)).sign(signRequest)).rejects.toMatchObject({
      code: "master_key.mismatch",
    });
    await t.db.orgDataKey.update({ where: { orgId: ctx.orgId }, data: { wrappedKey: alpha.wrappedKey } });
    await expect((await keyBackendFor(t.db, ctx.orgId, a.keyId, master)).sign(signRequest)).resolves.toBeInstanceOf(
      Uint8Array,
    );
  });

  it("another organisation's key id is not found; labels are unique per organisation", async () => {
    const { keyId } = await createPlatformKey(
      t.db,
      otherCtx,
      { label: "beta seal", algorithm: "EC-P256" },
      master,
      request,
    );
    await expect(keyBackendFor(t.db, ctx.orgId, keyId, master)).rejects.toMatchObject({
      code: "custody.key_not_found",
    });
    await expect(
      createPlatformKey(t.db, otherCtx, { label: "beta seal", algorithm: "EC-P256" }, master, request),
    ).rejects.toMatchObject({ code: "custody.label_taken" });
  });

  it("a wrong master key stops start-up with a clear message, and signing fails", async () => {
    expect(await checkMasterKey(t.db, master)).toMatchObject({ dataKeys: 2 });
    const wrong = new LocalMasterKey(randomBytes(32).toString("base64"));
    await expect(checkMasterKey(t.db, wrong)).rejects.toThrow(/not the one that wrapped 2 organisation data key/);
    const key = await t.db.signingKey.findFirstOrThrow({ where: { orgId: ctx.orgId, label: "seal EC-P256" } });
    await expect((await keyBackendFor(t.db, ctx.orgId, key.id, wrong)).sign(signRequest)).rejects.toMatchObject({
      code: "master_key.mismatch",
    });
  });

  it("re-wrapping moves every data key to a new master key without touching key ciphertexts", async () => {
    const before = await t.db.platformKeyMaterial.findMany({ orderBy: { keyId: "asc" } });
    const next = new LocalMasterKey(randomBytes(32).toString("base64"));
    expect(await rewrapDataKeys(t.db, master, next)).toEqual({ rewrapped: 2, alreadyDone: 0 });
    expect(await rewrapDataKeys(t.db, master, next)).toEqual({ rewrapped: 0, alreadyDone: 2 });
    const after = await t.db.platformKeyMaterial.findMany({ orderBy: { keyId: "asc" } });
    expect(after.map((m) => Buffer.from(m.ciphertext).toString("hex"))).toEqual(
      before.map((m) => Buffer.from(m.ciphertext).toString("hex")),
    );
    await expect(checkMasterKey(t.db, next)).resolves.toMatchObject({ dataKeys: 2 });
    await expect(checkMasterKey(t.db, master)).rejects.toMatchObject({ code: "master_key.mismatch" });
    const key = await t.db.signingKey.findFirstOrThrow({ where: { orgId: ctx.orgId, label: "seal EC-P384" } });
    await expect(
      (await keyBackendFor(t.db, ctx.orgId, key.id, next)).sign({
        ...signRequest,
        hash: "SHA-384",
        digest: digest("SHA-384", message),
      }),
    ).resolves.toBeInstanceOf(Uint8Array);
    expect(await t.db.auditEntry.count({ where: { chainId: PLATFORM_CHAIN, action: "master_key.rewrapped" } })).toBe(2);
    expect((await verifyChain(t.db, PLATFORM_CHAIN)).valid).toBe(true);
  });
});
