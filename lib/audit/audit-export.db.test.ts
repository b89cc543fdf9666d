import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { authorize } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { appendAudit } from "@/lib/audit/append-audit";
import { chainIdFor } from "@/lib/audit/audit-actions";
import type { AuditEntryJson } from "@/lib/audit/audit-entry-json";
import { auditExportStream, CSV_COLUMNS, startAuditExport } from "@/lib/audit/audit-export";
import { parseAuditFilter } from "@/lib/audit/audit-query";
import { parseCsv } from "@/lib/audit/csv";
import { readAuditExport } from "@/lib/audit/verify-export";
import { entryHash, GENESIS_HASH } from "@/lib/audit/entry-hash";
import { verifyChain } from "@/lib/audit/verify-chain";

let t: TestDatabase;
const request = { ip: "192.0.2.40", userAgent: "vitest" };

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

async function auditorOf(orgId: string) {
  const { userId, email } = await createPerson(t.db, [{ orgId, roles: [Role.AUDITOR] }], "Auditor");
  return { ctx: await authorize(t.db, userId, orgId, "audit.export"), email };
}

describe("audit export", () => {
  it("streams the filtered entries as JSONL exactly as stored, in chain order, and records the export", async () => {
    const { orgId } = await createOrganisation(t.db);
    const { ctx } = await auditorOf(orgId);
    for (let i = 0; i < 7; i++)
      await t.db.$transaction((tx) =>
        appendAudit(tx, {
          orgId,
          actorId: ctx.userId,
          action: i % 2 === 0 ? "auth.sign_in" : "member.removed",
          data: { i },
        }),
      );
    const plan = await startAuditExport(
      t.db,
      ctx,
      parseAuditFilter({ action: "auth.sign_in", before: "3" }),
      "jsonl",
      request,
    );
    expect(plan.fileName).toMatch(/^signet-audit-\d{8}T\d{6}Z\.jsonl$/);
    // An entry appended while the file streams is not part of it.
    await t.db.$transaction((tx) =>
      appendAudit(tx, { orgId, actorId: ctx.userId, action: "auth.sign_in", data: { late: true } }),
    );
    const lines = (await readAll(auditExportStream(t.db, plan, { pageSize: 2 }))).split("\n");
    expect(lines.pop()).toBe("");
    const entries = lines.map((l) => JSON.parse(l) as AuditEntryJson);
    expect(entries.map((e) => e.seq)).toEqual([1, 3, 5, 7]);
    const stored = await t.db.auditEntry.findMany({
      where: { chainId: chainIdFor(orgId), action: "auth.sign_in", seq: { lte: 7 } },
      orderBy: { seq: "asc" },
    });
    expect(entries).toEqual(stored.map((s) => ({ ...s, at: s.at.toISOString() })));
    // Each line carries what is needed to recompute its hash.
    for (const e of entries) expect(entryHash({ ...e, at: new Date(e.at) })).toBe(e.hash);

    const recorded = await t.db.auditEntry.findFirstOrThrow({
      where: { chainId: chainIdFor(orgId), action: "audit.exported" },
    });
    expect(recorded).toMatchObject({
      seq: 8,
      actorId: ctx.userId,
      data: { format: "jsonl", filters: { action: "auth.sign_in" } },
    });
  });

  it("writes CSV with a header, RFC 4180 quoting, and formula cells neutralised", async () => {
    const { orgId } = await createOrganisation(t.db);
    const { ctx, email } = await auditorOf(orgId);
    const nasty = { name: '=HYPERLINK("http://evil.test","x")', note: 'comma, "quote"\nnewline' };
    await t.db.$transaction((tx) =>
      appendAudit(tx, {
        orgId,
        actorId: ctx.userId,
        action: "invitation.created",
        subjectType: "@SUM(A1)",
        subjectId: "-2+3",
        data: nasty,
      }),
    );
    const plan = await startAuditExport(t.db, ctx, parseAuditFilter({}), "csv", request);
    expect(plan.contentType).toBe("text/csv; charset=utf-8");
    const text = await readAll(auditExportStream(t.db, plan));
    expect(text.endsWith("\r\n")).toBe(true);
    const [header, ...records] = parseCsv(text);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(records).toHaveLength(1);
    const row = Object.fromEntries(header!.map((h, i) => [h, records[0]![i]]));
    expect(row).toMatchObject({
      seq: "1",
      action: "invitation.created",
      actorId: ctx.userId,
      actorEmail: email,
      subjectType: "'@SUM(A1)",
      subjectId: "'-2+3",
    });
    expect(JSON.parse(row.data!)).toEqual(nasty);
    expect(text).not.toMatch(/(^|,)[=+\-@]/m);
  });

  it("CSV rows carry every hashed field: each row re-hashes to its stored hash", async () => {
    const { orgId } = await createOrganisation(t.db);
    const { ctx } = await auditorOf(orgId);
    await t.db.$transaction(async (tx) => {
      await appendAudit(tx, {
        orgId,
        actorId: ctx.userId,
        action: "invitation.created",
        subjectType: "@SUM(A1)",
        subjectId: "-2+3",
        data: { name: '=HYPERLINK("x")', n: 1.5, nested: { b: [1, "two", null], a: true } },
      });
      await appendAudit(tx, {
        orgId,
        actorId: null,
        action: "member.removed",
        subjectType: "'quoted",
        subjectId: "",
        data: {},
      });
      await appendAudit(tx, { orgId, actorId: ctx.userId, action: "auth.sign_in", request });
    });
    const plan = await startAuditExport(t.db, ctx, parseAuditFilter({}), "csv", request);
    const [header, ...records] = parseCsv(await readAll(auditExportStream(t.db, plan)));
    expect(header).toContain("orgId");
    expect(records).toHaveLength(3);
    const stored = await t.db.auditEntry.findMany({
      where: { chainId: chainIdFor(orgId), seq: { lte: 3 } },
      orderBy: { seq: "asc" },
    });
    const fromCsv = readAuditExport(await readAll(auditExportStream(t.db, plan)), "csv").map((line) => {
      if (!("entry" in line)) throw new Error(`record ${line.line}: ${line.problem}`);
      return line.entry;
    });
    expect(fromCsv).toEqual(stored.map((s) => ({ ...s, at: s.at.toISOString() })));
    for (const e of fromCsv) expect(entryHash({ ...e, at: new Date(e.at) })).toBe(e.hash);
  });

  it("refuses a caller without audit.export", async () => {
    const { orgId } = await createOrganisation(t.db);
    const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }]);
    await expect(
      startAuditExport(t.db, { userId, orgId, roles: [Role.SIGNER], membershipId: "x" }, {}, "csv", request),
    ).rejects.toThrow(/permission/);
  });

  it("exports a 10 000-entry log completely and in order, one page per query", async () => {
    const { orgId } = await createOrganisation(t.db);
    const chainId = chainIdFor(orgId);
    const rows = [];
    let prevHash = GENESIS_HASH;
    const start = Date.now() - 10_000_000;
    for (let seq = 1; seq <= 10_000; seq++) {
      const entry = {
        chainId,
        seq,
        orgId,
        at: new Date(start + seq * 1000),
        actorId: null,
        action: "auth.sign_in",
        subjectType: null,
        subjectId: null,
        data: { seq },
        prevHash,
      };
      const hash = entryHash(entry);
      rows.push({ id: randomUUID(), ...entry, hash });
      prevHash = hash;
    }
    for (let i = 0; i < rows.length; i += 1000) await t.db.auditEntry.createMany({ data: rows.slice(i, i + 1000) });
    await t.db.auditHead.create({ data: { chainId, seq: 10_000, hash: prevHash } });
    expect((await verifyChain(t.db, chainId)).valid).toBe(true);

    const { ctx } = await auditorOf(orgId);
    const plan = await startAuditExport(t.db, ctx, {}, "jsonl", request);
    const findMany = vi.spyOn(t.db.auditEntry, "findMany");
    try {
      const stream = auditExportStream(t.db, plan, { pageSize: 500 });
      const reader = stream.getReader();
      // Reading the first chunk queries one page only: nothing else is loaded ahead.
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value).split("\n").filter(Boolean)).toHaveLength(500);
      expect(findMany).toHaveBeenCalledTimes(1);
      let text = new TextDecoder().decode(first.value);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      const seqs = text
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as AuditEntryJson).seq);
      expect(seqs).toHaveLength(10_000);
      expect(seqs.every((s, i) => s === i + 1)).toBe(true);
      expect(findMany.mock.calls.length).toBe(21);
      for (const call of findMany.mock.calls) expect(call[0]).toMatchObject({ take: 500, orderBy: { seq: "asc" } });
    } finally {
      findMany.mockRestore();
    }
  });
});
