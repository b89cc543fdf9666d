import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit } from "@/lib/audit/append-audit";
import { createTestDatabase, usingPostgres, type TestDatabase } from "@/test/support/test-database";

const root = path.resolve(import.meta.dirname, "..", "..");
let t: TestDatabase;
let orgA: string;
let orgB: string;

function signet(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", path.join(root, "cli", "signet.ts"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, DATABASE_URL: t.url ?? "" }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }),
    );
  });
}

// The CLI is a separate process: it needs a real PostgreSQL (an in-memory PGlite lives in this process only).
describe.skipIf(!usingPostgres)("signet audit verify", () => {
  beforeAll(async () => {
    t = await createTestDatabase();
    orgA = (await t.db.organization.create({ data: { name: "A" } })).id;
    orgB = (await t.db.organization.create({ data: { name: "B" } })).id;
    for (let i = 0; i < 5; i++) {
      for (const orgId of [orgA, orgB]) await t.db.$transaction((tx) => appendAudit(tx, { orgId, actorId: null, action: "member.roles_changed", data: { i } }));
    }
  });
  afterAll(async () => t?.drop());

  it("verifies every chain, and one organisation's", async () => {
    const all = await signet(["audit", "verify"]);
    expect(all.status, all.stderr).toBe(0);
    expect(all.stdout).toContain(`ok      org:${orgA}: 5 entries`);
    expect(all.stdout).toContain(`ok      org:${orgB}: 5 entries`);
    const one = await signet(["audit", "verify", "--org", orgA, "--json"]);
    expect(JSON.parse(one.stdout)).toMatchObject({ valid: true, chains: [{ chainId: `org:${orgA}`, entries: 5 }] });
  });

  it("detects a row a database superuser changed with the trigger disabled, and names it", async () => {
    const victim = await t.db.auditEntry.findFirstOrThrow({ where: { chainId: `org:${orgB}`, seq: 3 } });
    await t.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" DISABLE TRIGGER audit_entry_no_update_delete`);
      await tx.$executeRawUnsafe(`UPDATE "AuditEntry" SET "actorId" = 'someone-else' WHERE id = $1`, victim.id);
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" ENABLE TRIGGER audit_entry_no_update_delete`);
    });
    const result = await signet(["audit", "verify"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`ok      org:${orgA}`);
    expect(result.stdout).toContain(`BROKEN  org:${orgB}: first mismatch at entry 3 (id ${victim.id}): its content does not match its hash`);
  });

  it("usage errors exit 2", async () => {
    expect((await signet(["audit"])).status).toBe(2);
    expect((await signet(["audit", "verify", "--nope"])).status).toBe(2);
  });
});
