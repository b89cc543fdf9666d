import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { appendAudit } from "@/lib/audit/append-audit";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { rememberHead, verifyChainIncremental } from "@/lib/audit/incremental-verify";
import { verifyChain } from "@/lib/audit/verify-chain";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

async function newChain(name: string, entries: number) {
  const orgId = (await t.db.organization.create({ data: { name } })).id;
  const appended = await append(orgId, entries);
  return { orgId, chainId: chainIdFor(orgId), appended };
}

async function append(orgId: string, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await t.db.$transaction((tx) =>
        appendAudit(tx, {
          orgId,
          actorId: null,
          action: "member.roles_changed",
          subjectType: "test",
          subjectId: String(i),
          data: { i },
        }),
      ),
    );
  }
  return out;
}

async function tamperAsSuperuser(entryId: string) {
  await t.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" DISABLE TRIGGER audit_entry_no_update_delete`);
    await tx.$executeRawUnsafe(`UPDATE "AuditEntry" SET data = '{"i": 1000}' WHERE id = $1`, entryId);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" ENABLE TRIGGER audit_entry_no_update_delete`);
  });
}

const remembered = (chainId: string) => t.db.auditChainVerification.findUnique({ where: { chainId } });

describe("incremental audit verification", () => {
  it("first runs a full pass, then checks only the entries appended since the remembered head", async () => {
    const { orgId, chainId } = await newChain("Incremental", 5);
    expect(await verifyChainIncremental(t.db, chainId)).toMatchObject({
      valid: true,
      mode: "full",
      entries: 5,
      checked: 5,
    });
    expect(await remembered(chainId)).toMatchObject({ seq: 5 });

    await append(orgId, 3);
    const result = await verifyChainIncremental(t.db, chainId);
    expect(result).toMatchObject({ valid: true, mode: "incremental", entries: 8, checked: 3, firstBreak: null });
    expect(result.headHash).toBe((await t.db.auditHead.findUniqueOrThrow({ where: { chainId } })).hash);
    expect(await remembered(chainId)).toMatchObject({ seq: 8, hash: result.headHash });

    expect(await verifyChainIncremental(t.db, chainId)).toMatchObject({
      valid: true,
      mode: "incremental",
      entries: 8,
      checked: 0,
    });
  });

  it("pinpoints a break in the new part and does not advance the remembered head", async () => {
    const { orgId, chainId } = await newChain("Break after head", 4);
    await verifyChainIncremental(t.db, chainId);
    const before = await remembered(chainId);
    const added = await append(orgId, 4);
    await tamperAsSuperuser(added[1]!.id);

    const result = await verifyChainIncremental(t.db, chainId);
    expect(result).toMatchObject({ valid: false, mode: "incremental", checked: 1 });
    expect(result.firstBreak).toMatchObject({
      seq: 6,
      entryId: added[1]!.id,
      reason: expect.stringMatching(/content/),
    });
    expect(await remembered(chainId)).toEqual(before);
    // Still broken on the next view: nothing was remembered past the break.
    expect((await verifyChainIncremental(t.db, chainId)).firstBreak).toMatchObject({ seq: 6 });
  });

  it("a tampered entry before the remembered head escapes the incremental pass but not the full verification", async () => {
    const { orgId, chainId, appended } = await newChain("Tamper before head", 6);
    await verifyChainIncremental(t.db, chainId);
    await tamperAsSuperuser(appended[2]!.id);
    await append(orgId, 2);

    // What the incremental pass does not prove: it never rereads entry 3.
    expect(await verifyChainIncremental(t.db, chainId)).toMatchObject({ valid: true, mode: "incremental", checked: 2 });
    const full = await verifyChain(t.db, chainId);
    expect(full).toMatchObject({ valid: false, mode: "full" });
    expect(full.firstBreak).toMatchObject({
      seq: 3,
      entryId: appended[2]!.id,
      reason: expect.stringMatching(/content/),
    });
    // The page's explicit "verify the whole chain", and the pass it runs once the last full one is old.
    expect((await verifyChainIncremental(t.db, chainId, { forceFull: true })).firstBreak).toMatchObject({ seq: 3 });
    const dayLater = new Date(Date.now() + 25 * 60 * 60 * 1000);
    expect(await verifyChainIncremental(t.db, chainId, { now: dayLater })).toMatchObject({
      valid: false,
      mode: "full",
      firstBreak: { seq: 3 },
    });
    expect(await remembered(chainId)).toMatchObject({ seq: 8 });
  });

  it("a tampered remembered head entry is caught by the incremental pass", async () => {
    const { orgId, chainId, appended } = await newChain("Tamper at head", 3);
    await verifyChainIncremental(t.db, chainId);
    await tamperAsSuperuser(appended[2]!.id);
    await append(orgId, 1);
    const result = await verifyChainIncremental(t.db, chainId);
    expect(result).toMatchObject({
      valid: false,
      mode: "incremental",
      firstBreak: { seq: 3, entryId: appended[2]!.id },
    });
    expect(await remembered(chainId)).toMatchObject({ seq: 3 });
  });

  it("does not trust a remembered head rewritten to a wrong hash or a wrong sequence number", async () => {
    const { orgId, chainId } = await newChain("Forged memory", 4);
    await verifyChainIncremental(t.db, chainId);
    await append(orgId, 2);
    await t.db.auditChainVerification.update({ where: { chainId }, data: { hash: "f".repeat(64) } });
    const wrongHash = await verifyChainIncremental(t.db, chainId);
    expect(wrongHash).toMatchObject({
      valid: false,
      mode: "incremental",
      firstBreak: { seq: 4, reason: expect.stringMatching(/previous verification recorded/) },
    });
    expect(await remembered(chainId)).toMatchObject({ seq: 4, hash: "f".repeat(64) });

    // A remembered seq that does not go with its hash fails too (the row at that seq has another hash).
    const entry2 = await t.db.auditEntry.findUniqueOrThrow({ where: { chainId_seq: { chainId, seq: 2 } } });
    await t.db.auditChainVerification.update({ where: { chainId }, data: { seq: 3, hash: entry2.hash } });
    expect(await verifyChainIncremental(t.db, chainId)).toMatchObject({ valid: false, firstBreak: { seq: 3 } });

    // The full pass repairs the memory from the chain itself.
    expect(await verifyChainIncremental(t.db, chainId, { forceFull: true })).toMatchObject({
      valid: true,
      mode: "full",
      entries: 6,
    });
    expect(await remembered(chainId)).toMatchObject({ seq: 6 });
  });

  it("the remembered head only moves forward under concurrent views", async () => {
    const { orgId, chainId } = await newChain("Concurrent views", 3);
    await verifyChainIncremental(t.db, chainId);
    await append(orgId, 2);
    const results = await Promise.all(Array.from({ length: 6 }, () => verifyChainIncremental(t.db, chainId)));
    expect(results.every((r) => r.valid)).toBe(true);
    const head = await t.db.auditHead.findUniqueOrThrow({ where: { chainId } });
    expect(await remembered(chainId)).toMatchObject({ seq: 5, hash: head.hash });
    // A slower view that finishes after a faster one, with the older head it verified, cannot move it back.
    const ahead = (await remembered(chainId))!;
    const older = await t.db.auditEntry.findUniqueOrThrow({ where: { chainId_seq: { chainId, seq: 4 } } });
    await rememberHead(t.db, chainId, { seq: 4, hash: older.hash }, new Date(), new Date());
    expect(await remembered(chainId)).toMatchObject({ seq: 5, hash: ahead.hash });
  });
});
