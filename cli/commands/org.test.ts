import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitGovernedAction } from "@/lib/approvals/submit-action";
import { verifyChain } from "@/lib/audit/verify-chain";
import { authorize } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { openDatabase, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { openSqlSession } from "@/lib/db/sql-session";
import { runSignetInProcess } from "@/test/support/run-signet-cli";

let dataDir: string;
let orgId: string;
const target = () => ({ kind: "pglite" as const, dataDir: path.join(dataDir, "pglite") });
// In-process (cli/main.ts on buffers): the command reads its settings when it runs and opens and
// closes the database itself, as this test does around each call (PGlite allows one opener at a time).
const signet = (args: string[]) => runSignetInProcess(args, { DATABASE_URL: "", SIGNET_DATA_DIR: dataDir });

async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase(target());
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

// An organisation locked by dual control: two approvals required, and the other administrator gone.
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-org-"));
  const session = await openSqlSession(target());
  await migrate(session);
  await session.close();
  orgId = await withDatabase(async (db) => {
    const org = await db.organization.create({ data: { name: "Locked Out Ltd", approvalsRequired: 2 } });
    for (const [email, roles] of [
      ["owner@example.test", [Role.OWNER]],
      ["gone@example.test", [Role.ADMIN]],
    ] as const) {
      const user = await db.user.create({ data: { email, name: email, passwordHash: "x" } });
      await db.membership.create({ data: { userId: user.id, orgId: org.id, roles: [...roles] } });
    }
    return org.id;
  });
}, 120_000);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("signet org approvals (break-glass)", () => {
  it("lowers the policy the web app could only ask the missing administrator to approve, and records it in the organisation's log", async () => {
    const owner = await withDatabase(async (db) => {
      const user = await db.user.findUniqueOrThrow({ where: { email: "owner@example.test" } });
      const ctx = await authorize(db, user.id, orgId, "settings.manage");
      expect(
        (
          await submitGovernedAction(
            db,
            ctx,
            { kind: "org.approvals_required", approvalsRequired: 1 },
            { ip: null, userAgent: null },
          )
        ).status,
      ).toBe("pending");
      return user.id;
    });

    const result = await signet([
      "org",
      "approvals",
      "--org",
      orgId,
      "--set",
      "1",
      "--reason",
      "Second administrator left; approved by the board",
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("2 → 1 (dual control off)");

    await withDatabase(async (db) => {
      expect((await db.organization.findUniqueOrThrow({ where: { id: orgId } })).approvalsRequired).toBe(1);
      const entry = await db.auditEntry.findFirstOrThrow({ where: { orgId, action: "org.policy_overridden" } });
      expect(entry.actorId).toBeNull();
      expect(entry.data).toMatchObject({
        approvalsRequired: { before: 2, after: 1 },
        reason: "Second administrator left; approved by the board",
        operator: { user: os.userInfo().username, host: os.hostname() },
      });
      expect((await verifyChain(db, `org:${orgId}`)).valid).toBe(true);
      // Dual control is off now: the owner acts alone again.
      const ctx = await authorize(db, owner, orgId, "settings.manage");
      expect(
        await submitGovernedAction(
          db,
          ctx,
          { kind: "org.approvals_required", approvalsRequired: 2 },
          { ip: null, userAgent: null },
        ),
      ).toEqual({ status: "done" });
    });
  });

  it("keeps the rule that approvals cannot exceed administrators, wants a reason, and names unknown organisations", async () => {
    const tooMany = await signet([
      "org",
      "approvals",
      "--org",
      orgId,
      "--set",
      "3",
      "--reason",
      "Three eyes on everything",
    ]);
    expect(tooMany.status).toBe(1);
    expect(tooMany.stderr).toContain("this organisation has 2");
    const noReason = await signet(["org", "approvals", "--org", orgId, "--set", "1", "--reason", "because"]);
    expect(noReason.status).toBe(1);
    expect(noReason.stderr).toContain("at least 10 characters");
    const unknown = await signet([
      "org",
      "approvals",
      "--org",
      "00000000-0000-4000-8000-000000000000",
      "--set",
      "1",
      "--reason",
      "Nobody home at this address",
    ]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("That organisation was not found.");
    expect((await signet(["org", "approvals", "--org", orgId])).status).toBe(2);
    await withDatabase(async (db) => {
      expect((await db.organization.findUniqueOrThrow({ where: { id: orgId } })).approvalsRequired).toBe(2);
      expect(await db.auditEntry.count({ where: { orgId, action: "org.policy_overridden" } })).toBe(1);
    });
  });
});
