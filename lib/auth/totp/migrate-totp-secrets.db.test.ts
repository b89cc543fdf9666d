import { createCipheriv, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { Role } from "@/lib/access/roles";
import { migrateTotpSecrets } from "@/lib/auth/totp/migrate-totp-secrets";
import { openTotpSecret, totpKeyFromSecret, type TotpKey } from "@/lib/auth/totp/secret-box";
import { hotp, totpStep } from "@/lib/auth/totp/totp";
import { checkTotpCode, disableTotp } from "@/lib/auth/totp/totp-factor";

const key = totpKeyFromSecret("auth secret of the TOTP migration tests");
const request = { ip: "192.0.2.21", userAgent: "vitest" };
let t: TestDatabase;
let orgId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  ({ orgId } = await createOrganisation(t.db));
});
afterAll(async () => t?.drop());

/** A record as the old code wrote it (0x01 ‖ IV ‖ tag ‖ ciphertext), by the old algorithm, not the new code. */
function legacyTotpRecord(totpKey: TotpKey, userId: string, secret: Uint8Array): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", totpKey.key, iv);
  cipher.setAAD(Buffer.from(`signet-totp:${userId}`, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), ciphertext]));
}

/** A person with a confirmed factor stored in the legacy format. */
async function legacyFactor(
  totpKey: TotpKey = key,
): Promise<{ userId: string; secret: Buffer; stored: Uint8Array<ArrayBuffer> }> {
  const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
  const secret = randomBytes(20);
  const stored = legacyTotpRecord(totpKey, userId, secret);
  await t.db.totpFactor.create({
    data: { userId, secretEncrypted: stored, confirmedAt: new Date(), lastUsedStep: null },
  });
  return { userId, secret, stored };
}

const secretOf = async (userId: string) =>
  (await t.db.totpFactor.findUniqueOrThrow({ where: { userId } })).secretEncrypted;
const codeAt = (secret: Uint8Array, offset: number) => hotp(secret, totpStep(Date.now()) + offset);

describe("TOTP secrets of the legacy format", () => {
  it("are read as they are: a person signs in with a code before the migration", async () => {
    const { userId, secret } = await legacyFactor();
    await expect(checkTotpCode(t.db, key, userId, codeAt(secret, 0))).resolves.toMatchObject({
      step: totpStep(Date.now()),
    });
  });

  it("are rewritten as AEAD records, one audited transaction each, and still give the same codes", async () => {
    const { userId, secret, stored } = await legacyFactor();
    const result = await migrateTotpSecrets(t.db, key);
    expect(result.unreadable).toEqual([]);
    expect(result.migrated).toBeGreaterThanOrEqual(1);

    const migrated = await secretOf(userId);
    expect(Buffer.from(migrated).equals(stored)).toBe(false);
    expect(Buffer.from(migrated).subarray(0, 5).toString("latin1")).toBe("SGAE\x01");
    expect(openTotpSecret(key, userId, migrated).equals(secret)).toBe(true);
    const audit = await t.db.auditEntry.findMany({
      where: { chainId: PLATFORM_CHAIN, action: "secret.reencrypted", subjectId: userId },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      subjectType: "user",
      data: { column: "TotpFactor.secretEncrypted", from: "totp-secret/v1", to: "aead-record/v1" },
    });
    expect(JSON.stringify(audit[0]?.data)).not.toContain(secret.toString("hex"));

    // Sign-in and turning the factor off work on the migrated record.
    const { step } = await checkTotpCode(t.db, key, userId, codeAt(secret, 1));
    expect(step).toBe(totpStep(Date.now()) + 1);
    await disableTotp(t.db, key, userId, codeAt(secret, 1), request);
    expect(await t.db.totpFactor.findUnique({ where: { userId } })).toBeNull();
  });

  it("run again, changes nothing; a record that does not open under this AUTH_SECRET is reported and left alone", async () => {
    await migrateTotpSecrets(t.db, key);
    const foreign = await legacyFactor(totpKeyFromSecret("the AUTH_SECRET of another server"));
    const before = await t.db.auditEntry.count({ where: { action: "secret.reencrypted" } });
    const again = await migrateTotpSecrets(t.db, key);
    expect(again).toEqual({ migrated: 0, unreadable: [foreign.userId] });
    expect(Buffer.from(await secretOf(foreign.userId)).equals(foreign.stored)).toBe(true);
    expect(await t.db.auditEntry.count({ where: { action: "secret.reencrypted" } })).toBe(before);
    await t.db.totpFactor.delete({ where: { userId: foreign.userId } });
  });

  it("a record copied onto another person's row is refused with a typed error, before and after migration", async () => {
    const a = await legacyFactor();
    const b = await legacyFactor();
    await t.db.totpFactor.update({ where: { userId: b.userId }, data: { secretEncrypted: a.stored } });
    await expect(checkTotpCode(t.db, key, b.userId, codeAt(a.secret, 0))).rejects.toMatchObject({
      code: "totp.unreadable",
    });
    const result = await migrateTotpSecrets(t.db, key);
    expect(result.unreadable).toEqual([b.userId]);
    const migratedA = await secretOf(a.userId);
    await t.db.totpFactor.update({ where: { userId: b.userId }, data: { secretEncrypted: migratedA } });
    await expect(checkTotpCode(t.db, key, b.userId, codeAt(a.secret, 0))).rejects.toMatchObject({
      code: "totp.unreadable",
      cause: "aead_record.refused",
    });
  });
});
