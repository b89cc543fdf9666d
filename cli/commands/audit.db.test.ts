import { generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSignet, runSignetInProcess } from "@/test/support/run-signet-cli";
import { appendAudit } from "@/lib/audit/append-audit";
import { auditPublicKeys } from "@/lib/audit/audit-signing-key";
import { entryHash } from "@/lib/audit/entry-hash";
import { auditExportStream, startAuditExport } from "@/lib/audit/audit-export";
import { authorize } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { createTestDatabase, usingPostgres, type TestDatabase } from "@/test/support/test-database";

const masterKey = randomBytes(32).toString("base64");
let t: TestDatabase;
let orgA: string;
let orgB: string;

const signet = (args: string[]) => runSignet(args, { DATABASE_URL: t.url ?? "", SIGNET_MASTER_KEY: masterKey });

// The CLI is a separate process: it needs a real PostgreSQL (an in-memory PGlite lives in this process only).
describe.skipIf(!usingPostgres)("signet audit verify", () => {
  beforeAll(async () => {
    t = await createTestDatabase();
    orgA = (await t.db.organization.create({ data: { name: "A" } })).id;
    orgB = (await t.db.organization.create({ data: { name: "B" } })).id;
    for (let i = 0; i < 5; i++) {
      for (const orgId of [orgA, orgB])
        await t.db.$transaction((tx) =>
          appendAudit(tx, { orgId, actorId: null, action: "member.roles_changed", data: { i } }),
        );
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
    expect(result.stdout).toContain(
      `BROKEN  org:${orgB}: first mismatch at entry 3 (id ${victim.id}): its content does not match its hash`,
    );
  });

  it("usage errors exit 2", async () => {
    expect((await signet(["audit"])).status).toBe(2);
    expect((await signet(["audit", "verify", "--nope"])).status).toBe(2);
  });
});

describe.skipIf(!usingPostgres)("signet audit checkpoint", () => {
  let orgC: string;
  let dir: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    orgC = (await t.db.organization.create({ data: { name: "C" } })).id;
    for (let i = 0; i < 4; i++)
      await t.db.$transaction((tx) =>
        appendAudit(tx, { orgId: orgC, actorId: null, action: "member.roles_changed", data: { i } }),
      );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-checkpoint-"));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await t?.drop();
  });

  it("creates a checkpoint that verifies from a file, a URL and with a pinned public key", async () => {
    const created = await signet(["audit", "checkpoint", "create", "--org", orgC, "--json"]);
    expect(created.status, created.stderr).toBe(0);
    const checkpoint = JSON.parse(created.stdout) as { seq: number; hash: string; keyId: string; statement: string };
    expect(checkpoint).toMatchObject({ seq: 4, chainId: `org:${orgC}` });
    const file = path.join(dir, "checkpoint.json");
    fs.writeFileSync(file, created.stdout);

    const verified = await signet(["audit", "checkpoint", "verify", "--file", file]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain("ok      signature");
    expect(verified.stdout).toContain("The checkpoint holds");

    const pem = path.join(dir, "audit-key.pem");
    fs.writeFileSync(pem, (await auditPublicKeys(t.db))[0]!.publicKeyPem);
    expect((await signet(["audit", "checkpoint", "verify", "--file", file, "--public-key", pem])).status).toBe(0);
    const stranger = path.join(dir, "stranger.pem");
    fs.writeFileSync(stranger, generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }));
    const pinnedWrong = await signet([
      "audit",
      "checkpoint",
      "verify",
      "--file",
      file,
      "--public-key",
      stranger,
      "--json",
    ]);
    expect(pinnedWrong.status).toBe(1);
    expect(JSON.parse(pinnedWrong.stdout)).toMatchObject({
      valid: false,
      checks: [
        { check: "statement", ok: true },
        { check: "key", ok: false },
      ],
    });

    const server = http.createServer((_req, res) =>
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ chainId: `org:${orgC}`, latest: checkpoint, checkpoints: [checkpoint] })),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/audit/checkpoints/${orgC}`;
      const byUrl = await signet(["audit", "checkpoint", "verify", "--url", url, "--json"]);
      expect(byUrl.status, byUrl.stderr).toBe(0);
      expect(JSON.parse(byUrl.stdout)).toMatchObject({ valid: true });
    } finally {
      server.close();
    }
  });

  it("exits 1 when the history up to the checkpoint was rewritten, even re-hashed into a valid chain", async () => {
    const created = await signet(["audit", "checkpoint", "create", "--org", orgC, "--json"]);
    const file = path.join(dir, "before-rewrite.json");
    fs.writeFileSync(file, created.stdout);
    const chainId = `org:${orgC}`;
    await t.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" DISABLE TRIGGER audit_entry_no_update_delete`);
      const rows = await tx.auditEntry.findMany({ where: { chainId }, orderBy: { seq: "asc" } });
      let prevHash = rows[0]!.hash;
      for (const row of rows.slice(1)) {
        const data = row.seq === 2 ? { i: 1000 } : (row.data as { [key: string]: never });
        const hash = entryHash({ ...row, data, prevHash });
        await tx.$executeRawUnsafe(
          `UPDATE "AuditEntry" SET data = $1::jsonb, "prevHash" = $2, hash = $3 WHERE id = $4`,
          JSON.stringify(data),
          prevHash,
          hash,
          row.id,
        );
        prevHash = hash;
      }
      await tx.$executeRawUnsafe(`UPDATE "AuditHead" SET hash = $1 WHERE "chainId" = $2`, prevHash, chainId);
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" ENABLE TRIGGER audit_entry_no_update_delete`);
    });
    expect((await signet(["audit", "verify", "--org", orgC])).status).toBe(0);
    const result = await signet(["audit", "checkpoint", "verify", "--file", file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /FAILED  entry: entry \d+ now has hash [0-9a-f]{64}, not [0-9a-f]{64}: the history was rewritten/,
    );
    expect(result.stdout).toContain("does NOT hold");
  });

  it("usage errors exit 2", async () => {
    expect((await signet(["audit", "checkpoint"])).status).toBe(2);
    expect((await signet(["audit", "checkpoint", "verify"])).status).toBe(2);
    expect((await signet(["audit", "checkpoint", "verify", "--file", "a", "--url", "b"])).status).toBe(2);
    const notJson = path.join(dir, "not.json");
    fs.writeFileSync(notJson, "hello");
    expect((await signet(["audit", "checkpoint", "verify", "--file", notJson])).status).toBe(2);
    expect(
      (await signet(["audit", "checkpoint", "create", "--org", "00000000-0000-4000-8000-000000000000"])).status,
    ).toBe(2);
  });
});

// `--file` needs no database: the export is made here (PGlite or PostgreSQL), the CLI checks the file alone.
describe("signet audit verify --file (an exported file)", () => {
  let db: TestDatabase;
  let dir: string;
  let jsonl: string;
  let csv: string;
  const request = { ip: "192.0.2.9", userAgent: "vitest" };
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-audit-file-"));
    const { orgId } = await createOrganisation(db.db);
    const { userId } = await createPerson(db.db, [{ orgId, roles: [Role.AUDITOR] }], "Auditor");
    for (let i = 0; i < 6; i++)
      await db.db.$transaction((tx) =>
        appendAudit(tx, {
          orgId,
          actorId: i % 2 ? userId : null,
          action: "member.roles_changed",
          subjectType: "membership",
          subjectId: i === 3 ? "-1" : `m${i}`,
          data: { i },
        }),
      );
    const ctx = await authorize(db.db, userId, orgId, "audit.export");
    for (const format of ["jsonl", "csv"] as const) {
      const plan = await startAuditExport(db.db, ctx, {}, format, request);
      const file = path.join(dir, `export.${format}`);
      fs.writeFileSync(file, await new Response(auditExportStream(db.db, plan)).text());
      if (format === "jsonl") jsonl = file;
      else csv = file;
    }
  }, 120_000);
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });
  // In-process (cli/main.ts on buffers), with an unreachable database in the environment for each
  // call: the command reads its settings when it runs, so touching the database would fail here too.
  const noDatabase = { DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", SIGNET_DATA_DIR: "/nonexistent" };

  it("an untouched export verifies, JSONL and CSV, with no database", async () => {
    const result = await runSignetInProcess(["audit", "verify", "--file", jsonl], noDatabase);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^ok      org:[0-9a-f-]+: entries 1–6 \(6\), head [0-9a-f]{64}\n$/);
    const fromCsv = await runSignetInProcess(["audit", "verify", "--file", csv, "--json"], noDatabase);
    expect(fromCsv.status, fromCsv.stderr).toBe(0);
    expect(JSON.parse(fromCsv.stdout)).toMatchObject({ valid: true, entries: 7, firstSeq: 1, lastSeq: 7, gaps: 0 });
  });

  it("one changed field in the file: exit 1, the entry is named", async () => {
    const lines = fs.readFileSync(jsonl, "utf8").split("\n");
    const victim = JSON.parse(lines[3]!) as { id: string; action: string };
    lines[3] = JSON.stringify({ ...victim, action: "member.removed" });
    const tampered = path.join(dir, "tampered.jsonl");
    fs.writeFileSync(tampered, lines.join("\n"));
    const result = await runSignetInProcess(["audit", "verify", "--file", tampered], noDatabase);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      `BROKEN  ${tampered}: first mismatch at entry 4 (line 4, id ${victim.id}): its content does not match its hash\n`,
    );

    const csvText = fs.readFileSync(csv, "utf8");
    const changedCsv = path.join(dir, "tampered.csv");
    fs.writeFileSync(changedCsv, csvText.replace(",m4,", ",m44,"));
    const fromCsv = await runSignetInProcess(["audit", "verify", "--file", changedCsv], noDatabase);
    expect(fromCsv.status).toBe(1);
    expect(fromCsv.stdout).toMatch(
      /first mismatch at entry 5 \(record 5, id [0-9a-f-]+\): its content does not match its hash/,
    );
  });

  it("a missing line fails unless --partial (a filtered export); a file that cannot be read exits 2", async () => {
    const lines = fs.readFileSync(jsonl, "utf8").split("\n");
    const gap = path.join(dir, "gap.jsonl");
    fs.writeFileSync(gap, [...lines.slice(0, 2), ...lines.slice(3)].join("\n"));
    const strict = await runSignetInProcess(["audit", "verify", "--file", gap], noDatabase);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(
      /first mismatch at entry 3 \(line 3\): entry 3 is missing \(the next line holds entry 4\)/,
    );
    const partial = await runSignetInProcess(["audit", "verify", "--file", gap, "--partial"], noDatabase);
    expect(partial.status, partial.stdout).toBe(0);
    expect(partial.stdout).toMatch(/ok      org:.*: entries 1–6 \(5, 1 gap\)/);
    const missing = await runSignetInProcess(["audit", "verify", "--file", path.join(dir, "nope.jsonl")], noDatabase);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^signet audit verify: cannot read .*nope\.jsonl: no such file\n$/);
    expect((await runSignetInProcess(["audit", "verify", "--file", jsonl, "--org", "x"], noDatabase)).status).toBe(2);
  });
});
