import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { authorize } from "../auth/org-context";
import { Role } from "../auth/roles";
import { appendAudit } from "./append-audit";
import { deliverPending, retryDelayMs } from "./siem-delivery";
import { siemDeliveryStatus } from "./siem-outbox";
import { siemKeyFromSecret } from "./siem-secret";
import { configureSiem, disableSiem, sendSiemTestEvent, siemSettings } from "./siem-settings";
import { verifySiemSignature } from "./siem-signature";

const key = siemKeyFromSecret("auth secret of the SIEM tests");
const request = { ip: "192.0.2.30", userAgent: "vitest" };
const fastBackoff = { baseMs: 1, capMs: 1, random: () => 0 };

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A local SIEM: answers each request with the next status of `script` (then 200), records what it got. */
async function startSiem(script: number[] = []): Promise<{ url: string; received: Received[]; accepted: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const accepted: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const status = script.shift() ?? 200;
      const record = { headers: req.headers, body };
      received.push(record);
      if (status === 200) accepted.push(record);
      res.writeHead(status).end("ignored body");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, accepted, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

async function adminOf(orgId: string) {
  const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.ADMIN] }]);
  return authorize(t.db, userId, orgId, "settings.manage");
}

const append = (orgId: string, n: number) => t.db.$transaction((tx) => appendAudit(tx, { orgId, actorId: null, action: "member.roles_changed", data: { n } }));

describe("SIEM outbox", () => {
  it("writes an outbox row in the entry's transaction only when the organisation forwards, and none when the transaction rolls back", async () => {
    const { orgId } = await createOrganisation(t.db);
    const quiet = await append(orgId, 1);
    expect(await t.db.auditOutbox.count({ where: { entryId: quiet.id } })).toBe(0);

    const ctx = await adminOf(orgId);
    const { generatedSecret } = await configureSiem(t.db, ctx, { url: "https://siem.example.test/hook" }, key, { allowHttp: false }, request);
    expect(generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const change = await t.db.auditEntry.findFirstOrThrow({ where: { orgId, action: "siem.changed" } });
    expect(JSON.stringify(change.data)).not.toContain(generatedSecret);
    // The siem.changed entry itself is forwarded: forwarding is on in its transaction.
    expect(await t.db.auditOutbox.count({ where: { entryId: change.id } })).toBe(1);

    const forwarded = await append(orgId, 2);
    expect(await t.db.auditOutbox.findUnique({ where: { entryId: forwarded.id } })).toMatchObject({ orgId, attempts: 0, deliveredAt: null });

    const before = await t.db.auditOutbox.count();
    await expect(
      t.db.$transaction(async (tx) => {
        await appendAudit(tx, { orgId, actorId: null, action: "member.removed" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await t.db.auditOutbox.count()).toBe(before);

    await disableSiem(t.db, ctx, request);
    const afterOff = await append(orgId, 3);
    expect(await t.db.auditOutbox.count({ where: { entryId: afterOff.id } })).toBe(0);
    expect((await t.db.organization.findUniqueOrThrow({ where: { id: orgId } })).siemSecretEncrypted).toBeNull();
  });

  it("refuses plain http to other hosts and URLs with credentials, and short secrets", async () => {
    const { orgId } = await createOrganisation(t.db);
    const ctx = await adminOf(orgId);
    await expect(configureSiem(t.db, ctx, { url: "http://siem.example.test/hook" }, key, { allowHttp: false }, request)).rejects.toThrow(/https/);
    await expect(configureSiem(t.db, ctx, { url: "https://user:pw@siem.example.test/" }, key, { allowHttp: false }, request)).rejects.toThrow(/passwords/);
    await expect(configureSiem(t.db, ctx, { url: "https://siem.example.test/", secret: "short" }, key, { allowHttp: false }, request)).rejects.toThrow(/at least/);
    const signer = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    const signerCtx = { userId: signer.userId, orgId, roles: [Role.SIGNER], membershipId: "x" };
    await expect(configureSiem(t.db, signerCtx, { url: "https://siem.example.test/" }, key, { allowHttp: false }, request)).rejects.toThrow(/permission/);
    expect(await t.db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { siemWebhookUrl: true } })).toEqual({ siemWebhookUrl: null });
  });
});

describe("SIEM delivery", () => {
  it("POSTs each entry as stored, signed with the secret, and marks it delivered", async () => {
    const siem = await startSiem();
    try {
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      const { generatedSecret } = await configureSiem(t.db, ctx, { url: siem.url }, key, { allowHttp: false }, request);
      const entry = await append(orgId, 7);
      const result = await deliverPending(t.db, { key, backoff: fastBackoff });
      expect(result.failed).toBe(0);
      const mine = siem.accepted.filter((r) => JSON.parse(r.body).orgId === orgId);
      expect(mine.map((r) => JSON.parse(r.body).action)).toEqual(["siem.changed", "member.roles_changed"]);
      const last = mine[1]!;
      const stored = await t.db.auditEntry.findUniqueOrThrow({ where: { id: entry.id } });
      expect(JSON.parse(last.body)).toEqual({ ...stored, at: stored.at.toISOString() });
      expect(last.headers["x-signet-event"]).toBe("audit.entry");
      expect(last.headers["content-type"]).toBe("application/json");
      const outbox = await t.db.auditOutbox.findUniqueOrThrow({ where: { entryId: entry.id } });
      expect(last.headers["x-signet-delivery"]).toBe(outbox.id);
      const headers = { signature: String(last.headers["x-signet-signature"]), timestamp: String(last.headers["x-signet-timestamp"]) };
      expect(headers.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifySiemSignature(Buffer.from(generatedSecret!, "utf8"), headers, last.body, { toleranceSeconds: 300 })).toBe(true);
      expect(verifySiemSignature(Buffer.from("another secret", "utf8"), headers, last.body)).toBe(false);
      expect(verifySiemSignature(Buffer.from(generatedSecret!, "utf8"), headers, last.body.replace('"n":7', '"n":8'))).toBe(false);
      expect(outbox).toMatchObject({ attempts: 1, lastError: null });
      expect(outbox.deliveredAt).not.toBeNull();
      expect(await siemDeliveryStatus(t.db, orgId)).toMatchObject({ pending: 0, lastError: null });
      // Nothing is sent twice.
      await deliverPending(t.db, { key, backoff: fastBackoff });
      expect(siem.accepted.filter((r) => JSON.parse(r.body).orgId === orgId)).toHaveLength(2);
    } finally {
      await siem.close();
    }
  });

  it("keeps entries while the SIEM fails, retries with backoff, then delivers all of them in order", async () => {
    const siem = await startSiem([500, 503]);
    try {
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      await configureSiem(t.db, ctx, { url: siem.url, secret: "a-secret-the-admin-chose-123" }, key, { allowHttp: false }, request);
      for (let i = 0; i < 5; i++) await append(orgId, i);

      expect(await deliverPending(t.db, { key, backoff: { baseMs: 60_000, capMs: 3_600_000, random: () => 0 } })).toEqual({ delivered: 0, failed: 1 });
      const head = await t.db.auditOutbox.findFirstOrThrow({ where: { orgId, attempts: 1 } });
      expect(head.lastError).toBe("the SIEM answered HTTP 500");
      expect(head.deliveredAt).toBeNull();
      expect(head.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
      // Not due yet: nothing is sent, and the later entries do not overtake the failed one.
      expect(await deliverPending(t.db, { key })).toEqual({ delivered: 0, failed: 0 });
      expect(await siemDeliveryStatus(t.db, orgId)).toMatchObject({ pending: 6, lastError: "the SIEM answered HTTP 500" });

      await t.db.auditOutbox.updateMany({ where: { orgId }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
      expect(await deliverPending(t.db, { key, backoff: fastBackoff })).toEqual({ delivered: 0, failed: 1 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await deliverPending(t.db, { key, backoff: fastBackoff })).toEqual({ delivered: 6, failed: 0 });

      const bodies = siem.accepted.map((r) => JSON.parse(r.body) as { seq: number; orgId: string });
      expect(bodies.every((b) => b.orgId === orgId)).toBe(true);
      const seqs = bodies.map((b) => b.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(6);
      const all = await t.db.auditEntry.findMany({ where: { orgId }, orderBy: { seq: "asc" }, select: { seq: true } });
      expect(seqs).toEqual(all.map((e) => e.seq).filter((s) => s >= seqs[0]!));
      const first = await t.db.auditOutbox.findUniqueOrThrow({ where: { id: head.id } });
      expect(first.attempts).toBe(3);
      expect(first.deliveredAt).not.toBeNull();
      expect(siem.received).toHaveLength(8);
      expect(await siemDeliveryStatus(t.db, orgId)).toMatchObject({ pending: 0 });
    } finally {
      await siem.close();
    }
  });

  it("an unreachable SIEM is an error kept on the row; two runs at once deliver each entry once", async () => {
    const siem = await startSiem();
    const unreachable = await startSiem();
    await unreachable.close();
    try {
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      await configureSiem(t.db, ctx, { url: unreachable.url }, key, { allowHttp: false }, request);
      expect((await deliverPending(t.db, { key, backoff: fastBackoff })).failed).toBe(1);
      expect((await t.db.auditOutbox.findFirstOrThrow({ where: { orgId, attempts: 1 } })).lastError).toMatch(/could not reach the SIEM/);

      await configureSiem(t.db, ctx, { url: siem.url }, key, { allowHttp: false }, request);
      for (let i = 0; i < 10; i++) await append(orgId, i);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const runs = await Promise.all([deliverPending(t.db, { key, backoff: fastBackoff }), deliverPending(t.db, { key, backoff: fastBackoff })]);
      const more = await deliverPending(t.db, { key, backoff: fastBackoff });
      expect(runs[0].delivered + runs[1].delivered + more.delivered).toBe(12);
      const seqs = siem.accepted.map((r) => (JSON.parse(r.body) as { seq: number }).seq);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    } finally {
      await siem.close();
    }
  });

  it("sends a signed test event on demand and reports the answer", async () => {
    const siem = await startSiem([418]);
    try {
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      await expect(sendSiemTestEvent(t.db, ctx, key)).rejects.toThrow(/first/);
      const { generatedSecret } = await configureSiem(t.db, ctx, { url: siem.url }, key, { allowHttp: false }, request);
      expect(await sendSiemTestEvent(t.db, ctx, key)).toEqual({ ok: false, error: "the SIEM answered HTTP 418" });
      expect(await sendSiemTestEvent(t.db, ctx, key)).toEqual({ ok: true, status: 200 });
      const test = siem.accepted[0]!;
      expect(test.headers["x-signet-event"]).toBe("test");
      expect(verifySiemSignature(Buffer.from(generatedSecret!), { signature: String(test.headers["x-signet-signature"]), timestamp: String(test.headers["x-signet-timestamp"]) }, test.body)).toBe(true);
      const settings = await siemSettings(t.db, ctx);
      expect(settings).toMatchObject({ url: siem.url, hasSecret: true });
      expect(JSON.stringify(settings)).not.toContain(generatedSecret);
    } finally {
      await siem.close();
    }
  });
});

describe("retry delay", () => {
  it("doubles from the base, is capped at an hour, and jitters between half and all", () => {
    const none = { baseMs: 10_000, capMs: 3_600_000, random: () => 1 };
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, none))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(30, none)).toBe(3_600_000);
    expect(retryDelayMs(1, { ...none, random: () => 0 })).toBe(5_000);
    for (let i = 0; i < 50; i++) {
      const d = retryDelayMs(3);
      expect(d).toBeGreaterThanOrEqual(20_000);
      expect(d).toBeLessThanOrEqual(40_000);
    }
  });
});
