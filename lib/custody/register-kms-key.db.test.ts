import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { startTestKms, type TestKmsServer } from "@/test/support/kms-server";
import { testKmsConnection } from "@/test/support/kms-fixtures";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { digest } from "@/lib/engine/crypto/hash";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { keyBackendFor } from "@/lib/custody/key-backends";
import { registerKmsKey } from "@/lib/custody/register-kms-key";

const request = { ip: "192.0.2.9", userAgent: "vitest" };
let t: TestDatabase;
let kms: TestKmsServer;
let ctx: OrgContext;
const master = new LocalMasterKey(Buffer.alloc(32, 7).toString("base64"));
const message = new TextEncoder().encode("to be signed by the customer's key");

beforeAll(async () => {
  t = await createTestDatabase();
  kms = await startTestKms();
  const org = await t.db.organization.create({ data: { name: "KMS Org" } });
  const user = await t.db.user.create({ data: { email: "kms-admin@example.com", name: "Admin", passwordHash: "x" } });
  await t.db.membership.create({ data: { userId: user.id, orgId: org.id, roles: [Role.ADMIN] } });
  ctx = await authorize(t.db, user.id, org.id, "certificates.manage");
});
afterAll(async () => {
  await kms?.stop();
  await t?.drop();
});

function connection() {
  const { region: _region, ...rest } = testKmsConnection(kms);
  return rest;
}

describe("registering a customer's AWS KMS key", () => {
  it("stores only the reference and the public key, audits it, and signs through KMS", async () => {
    const key = kms.createKey("ECC_NIST_P256");
    const { keyId, description } = await registerKmsKey(
      t.db,
      ctx,
      { label: "customer seal", keyId: key.arn },
      request,
      connection(),
    );
    const stored = await t.db.signingKey.findUniqueOrThrow({ where: { id: keyId } });
    expect(stored).toMatchObject({
      backend: "AWS_KMS",
      kmsKeyArn: description.keyArn,
      kmsRegion: kms.region,
      algorithm: "ECDSA P-256",
    });
    expect(await t.db.platformKeyMaterial.count({ where: { keyId } })).toBe(0);
    expect(
      await t.db.auditEntry.count({
        where: { chainId: chainIdFor(ctx.orgId), action: "key.registered", subjectId: keyId },
      }),
    ).toBe(1);
    const backend = await keyBackendFor(t.db, ctx.orgId, keyId, master, connection());
    const signs = kms.requests.filter((r) => r.operation === "Sign").length;
    await backend.sign({ message, digest: digest("SHA-256", message), hash: "SHA-256" });
    expect(kms.requests.filter((r) => r.operation === "Sign").length).toBe(signs + 1);
  });

  it("access denied is a clear error with an audit entry, and nothing is stored", async () => {
    const key = kms.createKey("RSA_2048");
    kms.setMode(key, "access_denied");
    const error = await registerKmsKey(t.db, ctx, { label: "denied", keyId: key.arn }, request, connection()).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "kms.access_denied" });
    expect((error as Error).message).toMatch(/Signet cannot use/);
    expect(await t.db.signingKey.count({ where: { orgId: ctx.orgId, label: "denied" } })).toBe(0);
    const audit = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(ctx.orgId), action: "key.registration_failed" },
    });
    expect(audit.data).toMatchObject({ code: "kms.access_denied", backend: "AWS_KMS" });
  });

  it("a key the customer revoked afterwards gives a typed error when signing", async () => {
    const key = kms.createKey("ECC_NIST_P384");
    const { keyId } = await registerKmsKey(
      t.db,
      ctx,
      { label: "revoked later", keyId: key.arn },
      request,
      connection(),
    );
    kms.setMode(key, "sign_denied");
    const backend = await keyBackendFor(t.db, ctx.orgId, keyId, master, connection());
    await expect(backend.sign({ message, digest: digest("SHA-384", message), hash: "SHA-384" })).rejects.toMatchObject({
      code: "kms.access_denied",
      message: expect.stringMatching(/can no longer use/),
    });
  });

  it("rejects malformed input with a message per field", async () => {
    await expect(registerKmsKey(t.db, ctx, { label: "", keyId: "x" }, request, connection())).rejects.toThrow(/name/);
    await expect(
      registerKmsKey(t.db, ctx, { label: "x", keyId: "x", region: "mars" }, request, connection()),
    ).rejects.toThrow(/AWS region/);
    await expect(
      registerKmsKey(t.db, ctx, { label: "x", keyId: "x", roleArn: "role" }, request, connection()),
    ).rejects.toThrow(/role ARN/);
  });
});
