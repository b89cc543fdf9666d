import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { authorize } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { appendAudit } from "@/lib/audit/append-audit";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { startBackgroundJobs } from "@/lib/jobs/background-jobs";
import { siemKeyFromSecret } from "@/lib/audit/siem-secret";
import { configureSiem } from "@/lib/audit/siem-settings";
import { parseOutboundAllowList } from "@/lib/outbound/outbound-allow-list";

const masterKey = new LocalMasterKey(randomBytes(32).toString("base64"));
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const waitFor = async (condition: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe("the background jobs", () => {
  it("delivers the outbox and signs checkpoints on its own, and does nothing after stop()", async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        bodies.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const key = siemKeyFromSecret("worker test");
    try {
      const { orgId } = await createOrganisation(t.db);
      const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.OWNER] }]);
      const ctx = await authorize(t.db, userId, orgId, "settings.manage");
      await configureSiem(
        t.db,
        ctx,
        { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` },
        key,
        { allowHttp: false, outboundAllow: parseOutboundAllowList("127.0.0.1") },
        {},
      );
      await t.db.$transaction((tx) => appendAudit(tx, { orgId, actorId: userId, action: "auth.sign_in" }));

      const worker = startBackgroundJobs({
        db: async () => t.db,
        masterKey: async () => masterKey,
        siemKey: () => key,
        siemPollMs: 50,
        checkpointIntervalMs: 100,
        firstCheckpointAfterMs: 10,
        outbound: { allow: parseOutboundAllowList("127.0.0.1") },
      });
      await waitFor(() => bodies.length >= 2);
      await waitFor(async () => (await t.db.auditCheckpoint.count({ where: { chainId: chainIdFor(orgId) } })) > 0);
      await worker.stop();

      const delivered = bodies.length;
      await t.db.$transaction((tx) => appendAudit(tx, { orgId, actorId: userId, action: "auth.sign_out" }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(bodies.length).toBe(delivered);
      expect(await t.db.auditOutbox.count({ where: { orgId, deliveredAt: null } })).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });

  it("closes approval requests when their time runs out, with an audit entry, and leaves the others waiting", async () => {
    const { orgId } = await createOrganisation(t.db);
    const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.OWNER] }]);
    const request = (expiresAt: Date) =>
      t.db.approvalRequest.create({
        data: {
          orgId,
          action: "certificate.activate",
          subjectType: "certificate",
          subjectId: randomUUID(),
          params: { kind: "certificate.activate" },
          approvalsNeeded: 1,
          requestedById: userId,
          expiresAt,
        },
      });
    const due = await request(new Date(Date.now() - 1000));
    const waiting = await request(new Date(Date.now() + 3_600_000));
    const worker = startBackgroundJobs({
      db: async () => t.db,
      masterKey: async () => masterKey,
      siemKey: () => siemKeyFromSecret("unused"),
      siemPollMs: 0,
      checkpointIntervalMs: 0,
      approvalExpiryMs: 20,
    });
    try {
      await waitFor(
        async () => (await t.db.approvalRequest.findUniqueOrThrow({ where: { id: due.id } })).status === "EXPIRED",
      );
    } finally {
      await worker.stop();
    }
    const entry = await t.db.auditEntry.findFirst({ where: { orgId, action: "approval.expired", subjectId: due.id } });
    expect(entry?.actorId).toBeNull();
    expect(entry?.data).toMatchObject({ kind: "certificate.activate", expiresAt: due.expiresAt.toISOString() });
    expect((await t.db.approvalRequest.findUniqueOrThrow({ where: { id: waiting.id } })).status).toBe("PENDING");
  });

  it("remove every user's sessions past their maximum age, and only those", async () => {
    const { orgId } = await createOrganisation(t.db);
    const { userId: alice } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    const { userId: bob } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    const old = await t.db.userSession.create({ data: { userId: alice, createdAt: hoursAgo(13) } });
    const oldRevoked = await t.db.userSession.create({
      data: { userId: bob, createdAt: hoursAgo(20), revokedAt: hoursAgo(19) },
    });
    const fresh = await t.db.userSession.create({ data: { userId: bob, createdAt: hoursAgo(1) } });
    const worker = startBackgroundJobs({
      db: async () => t.db,
      masterKey: async () => masterKey,
      siemKey: () => siemKeyFromSecret("unused"),
      siemPollMs: 0,
      checkpointIntervalMs: 0,
      approvalExpiryMs: 0,
      sessionMaxAgeSeconds: 12 * 3600,
      sessionSweepMs: 20,
    });
    try {
      await waitFor(
        async () => (await t.db.userSession.count({ where: { id: { in: [old.id, oldRevoked.id] } } })) === 0,
      );
    } finally {
      await worker.stop();
    }
    expect(await t.db.userSession.findUnique({ where: { id: fresh.id } })).not.toBeNull();
  });

  it("do not sweep sessions unless a maximum age is given", async () => {
    const { orgId } = await createOrganisation(t.db);
    const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    const ancient = await t.db.userSession.create({
      data: { userId, createdAt: new Date(Date.now() - 1000 * 3_600_000) },
    });
    const worker = startBackgroundJobs({
      db: async () => t.db,
      masterKey: async () => masterKey,
      siemKey: () => siemKeyFromSecret("unused"),
      siemPollMs: 0,
      checkpointIntervalMs: 0,
      approvalExpiryMs: 0,
      sessionSweepMs: 10,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await worker.stop();
    expect(await t.db.userSession.findUnique({ where: { id: ancient.id } })).not.toBeNull();
  });
});
