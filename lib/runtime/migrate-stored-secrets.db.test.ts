import { createCipheriv, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { openSiemSecret, siemKeyFromSecret } from "@/lib/audit/siem-secret";
import { openTotpSecret, totpKeyFromSecret } from "@/lib/auth/totp/secret-box";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { migrateStoredSecrets } from "@/lib/runtime/migrate-stored-secrets";

const AUTH_SECRET = "auth secret of the start-up migration test";
const MASTER_KEY = randomBytes(32);
const master = new LocalMasterKey(MASTER_KEY.toString("base64"));
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

/** AES-256-GCM as the legacy formats wrote it; `tagFirst` is the TOTP layout, otherwise the SIEM one. */
function legacy(key: Buffer, aad: string, plaintext: Uint8Array, tagFirst: boolean): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return new Uint8Array(Buffer.concat([Buffer.from([1]), iv, ...(tagFirst ? [tag, body] : [body, tag])]));
}

describe("the start-up pass over stored secrets", () => {
  it("rewrites legacy TOTP and SIEM records under the keys derived from AUTH_SECRET", async () => {
    const { orgId } = await createOrganisation(t.db);
    const { userId } = await createPerson(t.db);
    const totpSecret = randomBytes(20);
    const siemSecret = "a webhook secret of the old days";
    const totpKey = totpKeyFromSecret(AUTH_SECRET);
    const siemKey = siemKeyFromSecret(AUTH_SECRET);
    await t.db.totpFactor.create({
      data: {
        userId,
        secretEncrypted: legacy(totpKey.key, `signet-totp:${userId}`, totpSecret, true),
        confirmedAt: new Date(),
      },
    });
    await t.db.organization.update({
      where: { id: orgId },
      data: {
        siemWebhookUrl: "https://siem.example.test/hook",
        siemSecretEncrypted: legacy(siemKey.key, `signet-siem-secret:${orgId}`, Buffer.from(siemSecret, "utf8"), false),
      },
    });

    await migrateStoredSecrets(t.db, AUTH_SECRET, master);

    const factor = Buffer.from((await t.db.totpFactor.findUniqueOrThrow({ where: { userId } })).secretEncrypted);
    const org = Buffer.from(
      (await t.db.organization.findUniqueOrThrow({ where: { id: orgId } })).siemSecretEncrypted ?? Buffer.alloc(0),
    );
    expect(factor.subarray(0, 4).toString("latin1")).toBe("SGAE");
    expect(org.subarray(0, 4).toString("latin1")).toBe("SGAE");
    expect(openTotpSecret(totpKey, userId, factor).equals(totpSecret)).toBe(true);
    expect(openSiemSecret(siemKey, orgId, org).toString("utf8")).toBe(siemSecret);
    expect(await t.db.auditEntry.count({ where: { action: "secret.reencrypted" } })).toBe(2);
  });

  it("rewraps a data key the local master key wrapped in the legacy format", async () => {
    const { orgId } = await createOrganisation(t.db);
    const dataKey = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", MASTER_KEY, iv);
    cipher.setAAD(Buffer.from(`signet:data-key:v1:${orgId}`, "utf8"));
    const old = Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    await t.db.orgDataKey.create({ data: { orgId, wrappedKey: new Uint8Array(old), masterKeyId: master.id } });

    await migrateStoredSecrets(t.db, AUTH_SECRET, master);

    const wrapped = (await t.db.orgDataKey.findUniqueOrThrow({ where: { orgId } })).wrappedKey;
    expect(Buffer.from(wrapped).subarray(0, 5).toString("latin1")).toBe("SGAE\x01");
    expect((await master.unwrap(wrapped, { orgId })).equals(dataKey)).toBe(true);
    expect(await t.db.auditEntry.count({ where: { action: "secret.reencrypted", subjectId: orgId } })).toBe(1);
  });
});
