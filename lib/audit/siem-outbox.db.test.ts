import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { authorize } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { appendAudit } from "@/lib/audit/append-audit";
import { deliverPending, retryDelayMs } from "@/lib/audit/siem-delivery";
import { outboxBacklog, siemDeliveryStatus } from "@/lib/audit/siem-outbox";
import { siemKeyFromSecret } from "@/lib/audit/siem-secret";
import { configureSiem, disableSiem, sendSiemTestEvent, siemSettings } from "@/lib/audit/siem-settings";
import { verifySiemSignature } from "@/lib/audit/siem-signature";
import { resolveAllowed, type OutboundPolicy, type Resolver } from "@/lib/outbound/guarded-lookup";
import { NOTHING_ALLOWED, parseOutboundAllowList } from "@/lib/outbound/outbound-allow-list";

const key = siemKeyFromSecret("auth secret of the SIEM tests");
const request = { ip: "192.0.2.30", userAgent: "vitest" };
const fastBackoff = { baseMs: 1, capMs: 1, random: () => 0 };
/** The test collectors listen on loopback: the operator's allow-list lets them through. */
const loopbackAllowed = parseOutboundAllowList("127.0.0.0/8");
const outbound: OutboundPolicy = { allow: loopbackAllowed };
const allowLocal = { allowHttp: false, outboundAllow: loopbackAllowed };

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A local SIEM: answers each request with the next status of `script` (then 200), records what it got. */
async function startSiem(
  script: number[] = [],
): Promise<{ url: string; received: Received[]; accepted: Received[]; close(): Promise<void> }> {
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
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
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

const append = (orgId: string, n: number) =>
  t.db.$transaction((tx) => appendAudit(tx, { orgId, actorId: null, action: "member.roles_changed", data: { n } }));

describe("SIEM outbox", () => {
  it("writes an outbox row in the entry's transaction only when the organisation forwards, and none when the transaction rolls back", async () => {
    const { orgId } = await createOrganisation(t.db);
    const quiet = await append(orgId, 1);
    expect(await t.db.auditOutbox.count({ where: { entryId: quiet.id } })).toBe(0);

    const ctx = await adminOf(orgId);
    const { generatedSecret } = await configureSiem(
      t.db,
      ctx,
      { url: "https://siem.example.test/hook" },
      key,
      { allowHttp: false },
      request,
    );
    expect(generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const change = await t.db.auditEntry.findFirstOrThrow({ where: { orgId, action: "siem.changed" } });
    expect(JSON.stringify(change.data)).not.toContain(generatedSecret);
    // The siem.changed entry itself is forwarded: forwarding is on in its transaction.
    expect(await t.db.auditOutbox.count({ where: { entryId: change.id } })).toBe(1);

    const forwarded = await append(orgId, 2);
    expect(await t.db.auditOutbox.findUnique({ where: { entryId: forwarded.id } })).toMatchObject({
      orgId,
      attempts: 0,
      deliveredAt: null,
    });

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
    await expect(
      configureSiem(t.db, ctx, { url: "http://siem.example.test/hook" }, key, { allowHttp: false }, request),
    ).rejects.toThrow(/https/);
    await expect(
      configureSiem(t.db, ctx, { url: "https://user:pw@siem.example.test/" }, key, { allowHttp: false }, request),
    ).rejects.toThrow(/passwords/);
    await expect(
      configureSiem(
        t.db,
        ctx,
        { url: "https://siem.example.test/", secret: "short" },
        key,
        { allowHttp: false },
        request,
      ),
    ).rejects.toThrow(/at least/);
    const signer = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    const signerCtx = { userId: signer.userId, orgId, roles: [Role.SIGNER], membershipId: "x" };
    await expect(
      configureSiem(t.db, signerCtx, { url: "https://siem.example.test/" }, key, { allowHttp: false }, request),
    ).rejects.toThrow(/permission/);
    expect(
      await t.db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { siemWebhookUrl: true } }),
    ).toEqual({ siemWebhookUrl: null });
  });
});

describe("SIEM delivery", () => {
  it("POSTs each entry as stored, signed with the secret, and marks it delivered", async () => {
    const siem = await startSiem();
    try {
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      const { generatedSecret } = await configureSiem(t.db, ctx, { url: siem.url }, key, allowLocal, request);
      const entry = await append(orgId, 7);
      const result = await deliverPending(t.db, { key, backoff: fastBackoff, outbound });
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
      const headers = {
        signature: String(last.headers["x-signet-signature"]),
        timestamp: String(last.headers["x-signet-timestamp"]),
      };
      expect(headers.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(
        verifySiemSignature(Buffer.from(generatedSecret!, "utf8"), headers, last.body, { toleranceSeconds: 300 }),
      ).toBe(true);
      expect(verifySiemSignature(Buffer.from("another secret", "utf8"), headers, last.body)).toBe(false);
      expect(
        verifySiemSignature(Buffer.from(generatedSecret!, "utf8"), headers, last.body.replace('"n":7', '"n":8')),
      ).toBe(false);
      expect(outbox).toMatchObject({ attempts: 1, lastError: null });
      expect(outbox.deliveredAt).not.toBeNull();
      expect(await siemDeliveryStatus(t.db, orgId)).toMatchObject({ pending: 0, lastError: null });
      // Nothing is sent twice.
      await deliverPending(t.db, { key, backoff: fastBackoff, outbound });
      expect(siem.accepted.filter((r) => JSON.parse(r.body).orgId === orgId)).toHaveLength(2);
    } finally {
      await siem.close();
    }
  });

  it("keeps entries while the SIEM fails, retries with backoff, then delivers all of them in order", async () => {
    const siem = await startSiem([500, 503]);
    try {
      const backlogBefore = await outboxBacklog(t.db);
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      await configureSiem(
        t.db,
        ctx,
        { url: siem.url, secret: "a-secret-the-admin-chose-123" },
        key,
        allowLocal,
        request,
      );
      for (let i = 0; i < 5; i++) await append(orgId, i);

      expect(
        await deliverPending(t.db, { key, backoff: { baseMs: 60_000, capMs: 3_600_000, random: () => 0 }, outbound }),
      ).toEqual({ delivered: 0, failed: 1 });
      const head = await t.db.auditOutbox.findFirstOrThrow({ where: { orgId, attempts: 1 } });
      expect(head.lastError).toBe("the SIEM answered HTTP 500");
      expect(head.deliveredAt).toBeNull();
      expect(head.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
      // Not due yet: nothing is sent, and the later entries do not overtake the failed one.
      expect(await deliverPending(t.db, { key, outbound })).toEqual({ delivered: 0, failed: 0 });
      expect(await siemDeliveryStatus(t.db, orgId)).toMatchObject({
        pending: 6,
        lastError: "the SIEM answered HTTP 500",
      });
      // What /metrics reads: the rows waiting, and the age of the oldest by the database's clock.
      await t.db.auditOutbox.updateMany({ where: { orgId }, data: { createdAt: new Date(Date.now() - 3_600_000) } });
      const backlog = await outboxBacklog(t.db);
      expect(backlog.pending).toBe(backlogBefore.pending + 6);
      expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(3_590);

      await t.db.auditOutbox.updateMany({ where: { orgId }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
      expect(await deliverPending(t.db, { key, backoff: fastBackoff, outbound })).toEqual({ delivered: 0, failed: 1 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await deliverPending(t.db, { key, backoff: fastBackoff, outbound })).toEqual({ delivered: 6, failed: 0 });

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
      expect((await outboxBacklog(t.db)).pending).toBe(backlogBefore.pending);
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
      await configureSiem(t.db, ctx, { url: unreachable.url }, key, allowLocal, request);
      expect((await deliverPending(t.db, { key, backoff: fastBackoff, outbound })).failed).toBe(1);
      expect((await t.db.auditOutbox.findFirstOrThrow({ where: { orgId, attempts: 1 } })).lastError).toMatch(
        /could not reach the SIEM/,
      );

      await configureSiem(t.db, ctx, { url: siem.url }, key, allowLocal, request);
      for (let i = 0; i < 10; i++) await append(orgId, i);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const runs = await Promise.all([
        deliverPending(t.db, { key, backoff: fastBackoff, outbound }),
        deliverPending(t.db, { key, backoff: fastBackoff, outbound }),
      ]);
      const more = await deliverPending(t.db, { key, backoff: fastBackoff, outbound });
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
      await expect(sendSiemTestEvent(t.db, ctx, key, { outbound })).rejects.toThrow(/first/);
      const { generatedSecret } = await configureSiem(t.db, ctx, { url: siem.url }, key, allowLocal, request);
      expect(await sendSiemTestEvent(t.db, ctx, key, { outbound })).toEqual({
        ok: false,
        error: "the SIEM answered HTTP 418",
      });
      expect(await sendSiemTestEvent(t.db, ctx, key, { outbound })).toEqual({ ok: true, status: 200 });
      const test = siem.accepted[0]!;
      expect(test.headers["x-signet-event"]).toBe("test");
      expect(
        verifySiemSignature(
          Buffer.from(generatedSecret!),
          {
            signature: String(test.headers["x-signet-signature"]),
            timestamp: String(test.headers["x-signet-timestamp"]),
          },
          test.body,
        ),
      ).toBe(true);
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

/** A loopback listener that counts TCP connections and answers every request 200. */
async function startListener(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server = http.createServer((_req, res) => res.writeHead(200).end());
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { port, connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const PUBLIC_ADDRESS = "93.184.215.14";

describe("SIEM destinations (outbound guard)", () => {
  it("refuses a webhook aimed at loopback, by address, by localhost or by a name resolving there, without connecting; the test button says only 'destination not allowed'", async () => {
    const listener = await startListener();
    try {
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      await configureSiem(
        t.db,
        ctx,
        { url: `http://collector.example.test:${listener.port}/hook` },
        key,
        { allowHttp: true },
        request,
      );
      // Addresses saved before the guard existed (or written by hand) are refused at delivery time.
      for (const url of [
        `http://127.0.0.1:${listener.port}/hook`,
        `http://localhost:${listener.port}/hook`,
        `http://[::ffff:127.0.0.1]:${listener.port}/hook`,
        `http://0.0.0.0:${listener.port}/hook`,
      ]) {
        await t.db.organization.update({ where: { id: orgId }, data: { siemWebhookUrl: url } });
        expect(await sendSiemTestEvent(t.db, ctx, key, { outbound: { allow: NOTHING_ALLOWED } })).toEqual({
          ok: false,
          error: "destination not allowed",
        });
      }
      await append(orgId, 1);
      await deliverPending(t.db, { key, backoff: fastBackoff, outbound: { allow: NOTHING_ALLOWED } });
      expect((await t.db.auditOutbox.findFirstOrThrow({ where: { orgId, attempts: 1 } })).lastError).toBe(
        "destination not allowed",
      );
      await t.db.organization.update({
        where: { id: orgId },
        data: { siemWebhookUrl: `http://collector.example.test:${listener.port}/hook` },
      });
      const toLoopback: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
      expect(
        await sendSiemTestEvent(t.db, ctx, key, { outbound: { allow: NOTHING_ALLOWED, resolve: toLoopback } }),
      ).toEqual({ ok: false, error: "destination not allowed" });
      expect(listener.connections()).toBe(0);
      // A literal internal address is refused when it is saved.
      await expect(
        configureSiem(t.db, ctx, { url: `http://127.0.0.1:${listener.port}/hook` }, key, { allowHttp: false }, request),
      ).rejects.toThrow(/not allowed/);
    } finally {
      await listener.close();
    }
  });

  it("with the operator's allow-list the same deliveries reach a loopback collector, by address and by name", async () => {
    const listener = await startListener();
    try {
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      await configureSiem(t.db, ctx, { url: `http://127.0.0.1:${listener.port}/hook` }, key, allowLocal, request);
      expect(await sendSiemTestEvent(t.db, ctx, key, { outbound })).toEqual({ ok: true, status: 200 });
      await configureSiem(
        t.db,
        ctx,
        { url: `http://collector.example.test:${listener.port}/hook` },
        key,
        { allowHttp: true },
        request,
      );
      const byName = {
        allow: parseOutboundAllowList("collector.example.test"),
        resolve: (async () => [{ address: "127.0.0.1", family: 4 }]) satisfies Resolver,
      };
      expect(await sendSiemTestEvent(t.db, ctx, key, { outbound: byName })).toEqual({ ok: true, status: 200 });
      await append(orgId, 2);
      await deliverPending(t.db, { key, backoff: fastBackoff, outbound: byName });
      expect(await siemDeliveryStatus(t.db, orgId)).toMatchObject({ pending: 0, lastError: null });
      expect(listener.connections()).toBeGreaterThanOrEqual(3);
    } finally {
      await listener.close();
    }
  });

  it("DNS rebinding: a name that answered public when checked and loopback at connection time is refused at the connection", async () => {
    const listener = await startListener();
    try {
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      await configureSiem(
        t.db,
        ctx,
        { url: `http://rebind.example.test:${listener.port}/hook` },
        key,
        { allowHttp: true },
        request,
      );
      let calls = 0;
      const rebinding: Resolver = async () =>
        calls++ === 0 ? [{ address: PUBLIC_ADDRESS, family: 4 }] : [{ address: "127.0.0.1", family: 4 }];
      const policy = { allow: NOTHING_ALLOWED, resolve: rebinding };
      // A check made ahead of the request passes…
      expect(await resolveAllowed("rebind.example.test", policy)).toEqual([{ address: PUBLIC_ADDRESS, family: 4 }]);
      // …but the connection resolves again, and that answer is the one checked and used.
      expect(await sendSiemTestEvent(t.db, ctx, key, { outbound: policy })).toEqual({
        ok: false,
        error: "destination not allowed",
      });
      // One loopback answer among public ones is enough to refuse.
      const mixed: Resolver = async () => [
        { address: PUBLIC_ADDRESS, family: 4 },
        { address: "::1", family: 6 },
      ];
      expect(await sendSiemTestEvent(t.db, ctx, key, { outbound: { allow: NOTHING_ALLOWED, resolve: mixed } })).toEqual(
        { ok: false, error: "destination not allowed" },
      );
      expect(listener.connections()).toBe(0);
    } finally {
      await listener.close();
    }
  });

  it("keeps failures at allowed destinations coarse: a closed port, a reset and a TLS failure read the same", async () => {
    const closed = await startListener();
    await closed.close();
    const reset = http.createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => reset.listen(0, "127.0.0.1", resolve));
    const plain = await startListener();
    try {
      const { orgId } = await createOrganisation(t.db);
      const ctx = await adminOf(orgId);
      const errors: unknown[] = [];
      for (const url of [
        `http://127.0.0.1:${closed.port}/`,
        `http://127.0.0.1:${(reset.address() as AddressInfo).port}/`,
        `https://127.0.0.1:${plain.port}/`,
      ]) {
        await configureSiem(t.db, ctx, { url }, key, allowLocal, request);
        errors.push(await sendSiemTestEvent(t.db, ctx, key, { outbound }));
      }
      expect(errors).toEqual([0, 1, 2].map(() => ({ ok: false, error: "could not reach the SIEM" })));
    } finally {
      await plain.close();
      await new Promise((resolve) => reset.close(resolve));
    }
  });
});
