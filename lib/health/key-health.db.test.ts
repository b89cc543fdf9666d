import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startTestKms, type TestKmsServer } from "@/test/support/kms-server";
import { testKmsConnection } from "@/test/support/kms-fixtures";
import { disposeSoftHsm, getSoftHsm, isCi, softHsmAvailability } from "@/test/support/softhsm-token";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { registerKmsKey } from "@/lib/custody/register-kms-key";
import { registerPkcs11Key } from "@/lib/custody/register-pkcs11-key";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { keyHealth } from "@/lib/health/key-health";

const request = { ip: "192.0.2.40", userAgent: "vitest" };
const masterSecret = randomBytes(32).toString("base64");
const master = new LocalMasterKey(masterSecret);
let t: TestDatabase;
let kms: TestKmsServer;

beforeAll(async () => {
  t = await createTestDatabase();
  kms = await startTestKms();
});
afterAll(async () => {
  await kms?.stop();
  await t?.drop();
});

async function adminOfNewOrganisation(name: string): Promise<OrgContext> {
  const org = await t.db.organization.create({ data: { name } });
  const user = await t.db.user.create({
    data: { email: `${randomBytes(4).toString("hex")}@example.test`, name: "Admin", passwordHash: "x" },
  });
  await t.db.membership.create({ data: { userId: user.id, orgId: org.id, roles: [Role.ADMIN] } });
  return authorize(t.db, user.id, org.id, "certificates.manage");
}

function kmsConnection() {
  const { region: _region, ...rest } = testKmsConnection(kms);
  return rest;
}

describe("key health", () => {
  it("AWS KMS: an answering key is ok with its latency (DescribeKey and GetPublicKey, no Sign); a denied key carries the typed error", async () => {
    const ctx = await adminOfNewOrganisation("KMS health");
    const good = kms.createKey("ECC_NIST_P256");
    const denied = kms.createKey("RSA_2048");
    const okKey = await registerKmsKey(t.db, ctx, { label: "answers", keyId: good.arn }, request, kmsConnection());
    const deniedKey = await registerKmsKey(
      t.db,
      ctx,
      { label: "denied later", keyId: denied.arn },
      request,
      kmsConnection(),
    );
    kms.setMode(denied, "access_denied");
    const before = kms.requests.length;

    const result = await keyHealth(t.db, ctx, { masterKey: async () => master, kmsConnection: kmsConnection() });
    const byId = new Map(result.map((r) => [r.keyId, r]));
    expect(byId.get(okKey.keyId)).toEqual({
      keyId: okKey.keyId,
      label: "answers",
      backend: "AWS_KMS",
      ok: true,
      ms: expect.any(Number),
    });
    expect(byId.get(deniedKey.keyId)).toMatchObject({
      label: "denied later",
      backend: "AWS_KMS",
      ok: false,
      error: { code: "kms.access_denied", message: expect.stringMatching(/access was denied for kms:DescribeKey/) },
    });
    expect(byId.get(okKey.keyId)!.ms).toBeGreaterThanOrEqual(0);
    const operations = kms.requests.slice(before).map((r) => r.operation);
    expect(operations).toContain("DescribeKey");
    expect(operations).toContain("GetPublicKey");
    expect(operations).not.toContain("Sign");
  });

  it("AWS KMS: a key replaced behind its reference is reported, not ok", async () => {
    const ctx = await adminOfNewOrganisation("KMS swapped");
    const original = kms.createKey("ECC_NIST_P256");
    const { keyId } = await registerKmsKey(
      t.db,
      ctx,
      { label: "swapped", keyId: original.arn },
      request,
      kmsConnection(),
    );
    const other = kms.createKey("ECC_NIST_P256");
    await t.db.signingKey.update({ where: { id: keyId }, data: { kmsKeyArn: other.arn } });
    expect(await keyHealth(t.db, ctx, { masterKey: async () => master, kmsConnection: kmsConnection() })).toMatchObject(
      [{ keyId, ok: false, error: { code: "health.key_mismatch" } }],
    );
  });

  it("platform: the key signs a probe under the master key; under another master key it fails with a typed error; nothing secret is in the answer", async () => {
    const ctx = await adminOfNewOrganisation("Platform health");
    const { keyId } = await createPlatformKey(t.db, ctx, { label: "platform seal" }, master, request);
    const destroyed = await createPlatformKey(t.db, ctx, { label: "gone" }, master, request);
    await t.db.signingKey.update({ where: { id: destroyed.keyId }, data: { state: "DESTROYED" } });
    const other = await adminOfNewOrganisation("Someone else");
    await createPlatformKey(t.db, other, { label: "not yours" }, master, request);

    const result = await keyHealth(t.db, ctx, { masterKey: async () => master });
    expect(result).toEqual([{ keyId, label: "platform seal", backend: "PLATFORM", ok: true, ms: expect.any(Number) }]);

    const wrong = await keyHealth(t.db, ctx, {
      masterKey: async () => new LocalMasterKey(randomBytes(32).toString("base64")),
    });
    expect(wrong).toMatchObject([
      {
        keyId,
        ok: false,
        error: { code: "master_key.mismatch", message: expect.stringMatching(/could not be unwrapped/) },
      },
    ]);
    const material = await t.db.platformKeyMaterial.findFirstOrThrow({ where: { keyId } });
    const text = JSON.stringify([result, wrong]);
    for (const secret of [
      masterSecret,
      Buffer.from(material.ciphertext).toString("base64"),
      Buffer.from(material.ciphertext).toString("hex"),
    ])
      expect(text).not.toContain(secret);

    const missing = await keyHealth(t.db, ctx, { masterKey: () => Promise.reject(new LocalMasterKeyMissing()) });
    expect(missing).toMatchObject([{ keyId, ok: false, error: { code: "health.backend_failed" } }]);
  });
});

class LocalMasterKeyMissing extends Error {}

const softHsm = softHsmAvailability();
describe.skipIf(!softHsm.available && !isCi)("key health (SoftHSM2)", () => {
  afterAll(() => disposeSoftHsm());

  it("PKCS#11: a session opens and the key is found; without its PIN the error says which variable is missing, never a PIN", async () => {
    const hsm = getSoftHsm();
    const token = await hsm.initToken("signet-health");
    process.env.SIGNET_PKCS11_MODULES = hsm.modulePath;
    process.env.SIGNET_TEST_HEALTH_PIN = token.userPin;
    try {
      const ctx = await adminOfNewOrganisation("HSM health");
      const { keyId } = await registerPkcs11Key(
        t.db,
        ctx,
        {
          label: "hsm seal",
          modulePath: hsm.modulePath,
          tokenLabel: token.label,
          pinEnv: "SIGNET_TEST_HEALTH_PIN",
          generate: "EC-P256",
        },
        request,
      );
      expect(await keyHealth(t.db, ctx, { masterKey: async () => master })).toEqual([
        { keyId, label: "hsm seal", backend: "PKCS11", ok: true, ms: expect.any(Number) },
      ]);
      delete process.env.SIGNET_TEST_HEALTH_PIN;
      const result = await keyHealth(t.db, ctx, { masterKey: async () => master });
      expect(result).toMatchObject([
        { keyId, ok: false, error: { message: expect.stringMatching(/SIGNET_TEST_HEALTH_PIN/) } },
      ]);
      expect(JSON.stringify(result)).not.toContain(token.userPin);
    } finally {
      delete process.env.SIGNET_TEST_HEALTH_PIN;
    }
  });
});
