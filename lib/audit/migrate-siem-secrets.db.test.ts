import { createCipheriv, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation } from "@/test/support/signet-accounts";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { parseOutboundAllowList } from "@/lib/outbound/outbound-allow-list";
import { appendAudit } from "@/lib/audit/append-audit";
import { PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { migrateSiemSecrets } from "@/lib/audit/migrate-siem-secrets";
import { deliverPending } from "@/lib/audit/siem-delivery";
import { generateSiemSecret, openSiemSecret, siemKeyFromSecret, type SiemKey } from "@/lib/audit/siem-secret";
import { verifySiemSignature } from "@/lib/audit/siem-signature";

const key = siemKeyFromSecret("auth secret of the SIEM migration tests");
const outbound = { allow: parseOutboundAllowList("127.0.0.0/8") };
const fastBackoff = { baseMs: 1, capMs: 1, random: () => 0 };
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

/** A record as the old code wrote it (0x01 ‖ IV ‖ ciphertext ‖ tag), by the old algorithm, not the new code. */
function legacySiemRecord(siemKey: SiemKey, orgId: string, secret: string): Uint8Array<ArrayBuffer> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", siemKey.key, iv);
  cipher.setAAD(Buffer.from(`signet-siem-secret:${orgId}`, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(secret, "utf8")), cipher.final()]);
  return new Uint8Array(Buffer.concat([Buffer.from([1]), iv, ciphertext, cipher.getAuthTag()]));
}

async function legacyOrganisation(
  url: string,
  siemKey: SiemKey = key,
): Promise<{ orgId: string; secret: string; stored: Uint8Array<ArrayBuffer> }> {
  const { orgId } = await createOrganisation(t.db);
  const secret = generateSiemSecret();
  const stored = legacySiemRecord(siemKey, orgId, secret);
  await t.db.organization.update({ where: { id: orgId }, data: { siemWebhookUrl: url, siemSecretEncrypted: stored } });
  return { orgId, secret, stored };
}

const storedOf = async (orgId: string) =>
  Buffer.from(
    (await t.db.organization.findUniqueOrThrow({ where: { id: orgId } })).siemSecretEncrypted ?? Buffer.alloc(0),
  );

/** A local SIEM that accepts everything and records what it got. */
async function startSiem(): Promise<{
  url: string;
  received: { headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}> {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function signedWith(secret: string, request: { headers: http.IncomingHttpHeaders; body: string }): boolean {
  const headers = {
    signature: String(request.headers["x-signet-signature"]),
    timestamp: String(request.headers["x-signet-timestamp"]),
  };
  return verifySiemSignature(Buffer.from(secret, "utf8"), headers, request.body, { toleranceSeconds: 300 });
}

describe("SIEM webhook secrets of the legacy format", () => {
  it("sign deliveries before the migration, are rewritten as audited AEAD records, and sign the same after", async () => {
    const siem = await startSiem();
    try {
      const { orgId, secret, stored } = await legacyOrganisation(siem.url);
      await t.db.$transaction((tx) =>
        appendAudit(tx, { orgId, actorId: null, action: "member.removed", data: { n: 1 } }),
      );
      expect(await deliverPending(t.db, { key, backoff: fastBackoff, outbound })).toMatchObject({
        delivered: 1,
        failed: 0,
      });
      expect(signedWith(secret, siem.received[0]!)).toBe(true);

      expect(await migrateSiemSecrets(t.db, key)).toEqual({ migrated: 1, unreadable: [] });
      const migrated = await storedOf(orgId);
      expect(migrated.equals(stored)).toBe(false);
      expect(migrated.subarray(0, 5).toString("latin1")).toBe("SGAE\x01");
      expect(openSiemSecret(key, orgId, migrated).toString("utf8")).toBe(secret);
      const audit = await t.db.auditEntry.findMany({
        where: { chainId: PLATFORM_CHAIN, action: "secret.reencrypted", subjectId: orgId },
      });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        subjectType: "organisation",
        data: { column: "Organization.siemSecretEncrypted", from: "siem-secret/v1", to: "aead-record/v1" },
      });
      expect(JSON.stringify(audit[0]?.data)).not.toContain(secret);

      await t.db.$transaction((tx) =>
        appendAudit(tx, { orgId, actorId: null, action: "member.removed", data: { n: 2 } }),
      );
      expect(await deliverPending(t.db, { key, backoff: fastBackoff, outbound })).toMatchObject({
        delivered: 1,
        failed: 0,
      });
      expect(siem.received).toHaveLength(2);
      expect(signedWith(secret, siem.received[1]!)).toBe(true);
    } finally {
      await siem.close();
    }
  });

  it("run again, change nothing; a secret that does not open under this AUTH_SECRET is reported and left alone", async () => {
    const foreign = await legacyOrganisation(
      "https://siem.example.test/hook",
      siemKeyFromSecret("the AUTH_SECRET of another server"),
    );
    const before = await t.db.auditEntry.count({ where: { action: "secret.reencrypted" } });
    expect(await migrateSiemSecrets(t.db, key)).toEqual({ migrated: 0, unreadable: [foreign.orgId] });
    expect((await storedOf(foreign.orgId)).equals(foreign.stored)).toBe(true);
    expect(await t.db.auditEntry.count({ where: { action: "secret.reencrypted" } })).toBe(before);
  });

  it("a migrated secret copied onto another organisation, or altered, is refused with a typed error", async () => {
    const a = await legacyOrganisation("https://siem.example.test/a");
    const b = await legacyOrganisation("https://siem.example.test/b");
    await migrateSiemSecrets(t.db, key);
    const migratedA = await storedOf(a.orgId);
    expect(() => openSiemSecret(key, b.orgId, migratedA)).toThrow(
      expect.objectContaining({ code: "audit.siem_unreadable", cause: "aead_record.refused" }),
    );
    const flipped = Buffer.from(migratedA);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    expect(() => openSiemSecret(key, a.orgId, flipped)).toThrow(
      expect.objectContaining({ code: "audit.siem_unreadable", cause: "aead_record.refused" }),
    );
    expect(openSiemSecret(key, b.orgId, await storedOf(b.orgId)).toString("utf8")).toBe(b.secret);
  });
});
