import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, usingPostgres, type TestDatabase } from "@/test/support/test-database";
import { appendAudit } from "@/lib/audit/append-audit";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { verifyChain } from "@/lib/audit/verify-chain";

let t: TestDatabase;
let orgId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  orgId = (await t.db.organization.create({ data: { name: "Chain Org" } })).id;
});
afterAll(async () => t?.drop());

async function appendOne(org: string | null, n: number) {
  return t.db.$transaction((tx) =>
    appendAudit(tx, {
      orgId: org,
      actorId: null,
      action: "member.roles_changed",
      subjectType: "test",
      subjectId: String(n),
      data: { n },
    }),
  );
}

describe("audit chain", () => {
  it("links entries by hash with gap-free sequence numbers", async () => {
    const first = await appendOne(orgId, 1);
    const second = await appendOne(orgId, 2);
    expect(second.seq).toBe(first.seq + 1);
    const row = await t.db.auditEntry.findUniqueOrThrow({ where: { id: second.id } });
    expect(row.prevHash).toBe(first.hash);
    expect(await verifyChain(t.db, chainIdFor(orgId))).toMatchObject({ valid: true, entries: 2, firstBreak: null });
  });

  it("keeps one chain per organisation", async () => {
    const other = (await t.db.organization.create({ data: { name: "Other" } })).id;
    const entry = await appendOne(other, 1);
    expect(entry.seq).toBe(1);
    expect(entry.chainId).toBe(`org:${other}`);
  });

  it("writes nothing when the caller's transaction rolls back", async () => {
    const before = await t.db.auditEntry.count({ where: { chainId: chainIdFor(orgId) } });
    await expect(
      t.db.$transaction(async (tx) => {
        await appendAudit(tx, { orgId, actorId: null, action: "member.removed" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await t.db.auditEntry.count({ where: { chainId: chainIdFor(orgId) } })).toBe(before);
    expect((await verifyChain(t.db, chainIdFor(orgId))).valid).toBe(true);
  });

  it("fifty concurrent appends leave a gap-free, valid chain", async () => {
    const org = (await t.db.organization.create({ data: { name: "Concurrent" } })).id;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => appendOne(org, i)));
    expect(new Set(results.map((r) => r.seq)).size).toBe(50);
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await verifyChain(t.db, chainIdFor(org))).toMatchObject({ valid: true, entries: 50 });
  });

  it("the database refuses UPDATE, DELETE and TRUNCATE of audit entries", async () => {
    const { id } = await appendOne(orgId, 99);
    await expect(t.db.auditEntry.update({ where: { id }, data: { action: "rewritten" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.auditEntry.delete({ where: { id } })).rejects.toThrow(/append-only/);
    await expect(t.db.$executeRawUnsafe(`UPDATE "AuditEntry" SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.db.$executeRawUnsafe(`DELETE FROM "AuditEntry"`)).rejects.toThrow(/append-only/);
    await expect(t.db.$executeRawUnsafe(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/append-only/);
    expect(await t.db.auditEntry.findUnique({ where: { id } })).not.toBeNull();
  });

  it("names the first entry that does not match after tampering by a superuser", async () => {
    const org = (await t.db.organization.create({ data: { name: "Tampered" } })).id;
    const entries = [];
    for (let i = 0; i < 5; i++) entries.push(await appendOne(org, i));
    const victim = entries[2]!;
    await t.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" DISABLE TRIGGER audit_entry_no_update_delete`);
      await tx.$executeRawUnsafe(`UPDATE "AuditEntry" SET data = '{"n": 1000}' WHERE id = $1`, victim.id);
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" ENABLE TRIGGER audit_entry_no_update_delete`);
    });
    const result = await verifyChain(t.db, chainIdFor(org));
    expect(result.valid).toBe(false);
    expect(result.firstBreak).toMatchObject({ seq: 3, entryId: victim.id, reason: expect.stringMatching(/content/) });
  });

  it("detects a deleted entry in the middle and one cut off the end", async () => {
    const org = (await t.db.organization.create({ data: { name: "Gaps" } })).id;
    const entries = [];
    for (let i = 0; i < 4; i++) entries.push(await appendOne(org, i));
    const removeAsSuperuser = (id: string) =>
      t.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" DISABLE TRIGGER audit_entry_no_update_delete`);
        await tx.$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE id = $1`, id);
        await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" ENABLE TRIGGER audit_entry_no_update_delete`);
      });
    await removeAsSuperuser(entries[3]!.id);
    expect((await verifyChain(t.db, chainIdFor(org))).firstBreak).toMatchObject({
      seq: 4,
      reason: expect.stringMatching(/head/),
    });
    await removeAsSuperuser(entries[1]!.id);
    expect((await verifyChain(t.db, chainIdFor(org))).firstBreak).toMatchObject({
      seq: 2,
      entryId: null,
      reason: expect.stringMatching(/missing/),
    });
  });

  it.skipIf(!usingPostgres)("appends from two separate processes interleave into one valid chain", async () => {
    const org = (await t.db.organization.create({ data: { name: "Two processes" } })).id;
    const script = path.resolve(import.meta.dirname, "../../test/support/append-audit-process.ts");
    const run = () =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", script, t.url!, org, "40"], {
          stdio: ["ignore", "inherit", "inherit"],
        });
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`appender exited with ${code}`))));
      });
    await Promise.all([run(), run()]);
    const result = await verifyChain(t.db, chainIdFor(org));
    expect(result).toMatchObject({ valid: true, entries: 80 });
    const actors = await t.db.auditEntry.groupBy({
      by: ["subjectType"],
      where: { chainId: chainIdFor(org) },
      _count: true,
    });
    expect(actors.map((a) => a._count).sort()).toEqual([40, 40]);
  });
});
