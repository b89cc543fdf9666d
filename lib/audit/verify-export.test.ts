import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditEntryJson, type AuditEntryJson } from "@/lib/audit/audit-entry-json";
import { entryHash, GENESIS_HASH } from "@/lib/audit/entry-hash";
import { readAuditExport, verifyExportedEntries } from "@/lib/audit/verify-export";

const orgId = randomUUID();

function chain(length: number): AuditEntryJson[] {
  const entries: AuditEntryJson[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const entry = {
      chainId: `org:${orgId}`,
      seq,
      orgId,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      actorId: seq % 2 ? "user-1" : null,
      action: "auth.sign_in",
      subjectType: null,
      subjectId: null,
      data: { seq },
      prevHash,
    };
    const hash = entryHash(entry);
    entries.push(auditEntryJson({ id: randomUUID(), ...entry, hash }));
    prevHash = hash;
  }
  return entries;
}

const jsonl = (entries: unknown[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join("");
const verify = async (text: string, options: { partial?: boolean } = {}) =>
  verifyExportedEntries(await readAuditExport(text, "jsonl"), options);

describe("verifyExportedEntries", () => {
  it("accepts a whole chain and reports its head", async () => {
    const entries = chain(6);
    expect(await verify(jsonl(entries))).toEqual({
      valid: true,
      chainId: `org:${orgId}`,
      entries: 6,
      firstSeq: 1,
      lastSeq: 6,
      headHash: entries[5]!.hash,
      gaps: 0,
      firstBreak: null,
    });
  });

  it("names the first entry whose content was changed", async () => {
    const entries = chain(6);
    entries[3] = { ...entries[3]!, actorId: "someone-else" };
    expect((await verify(jsonl(entries))).firstBreak).toEqual({
      seq: 4,
      line: 4,
      entryId: entries[3]!.id,
      reason: "its content does not match its hash",
    });
  });

  it("names a re-hashed entry by its broken link to the next one", async () => {
    const entries = chain(6);
    const changed = { ...entries[2]!, data: { seq: 99 } };
    changed.hash = entryHash({ ...changed, at: new Date(changed.at) });
    entries[2] = changed;
    expect((await verify(jsonl(entries))).firstBreak).toMatchObject({
      seq: 4,
      reason: "its previous-hash does not match the entry before it",
    });
  });

  it("refuses a missing entry, a reordered file, a file that does not start at the genesis, and another chain's entry", async () => {
    const entries = chain(6);
    expect((await verify(jsonl([...entries.slice(0, 2), ...entries.slice(3)]))).firstBreak).toMatchObject({
      seq: 3,
      line: 3,
      reason: "entry 3 is missing (the next line holds entry 4)",
    });
    expect((await verify(jsonl([entries[0], entries[2], entries[1]]))).firstBreak).toMatchObject({
      line: 2,
      reason: "entry 2 is missing (the next line holds entry 3)",
    });
    expect((await verify(jsonl(entries.slice(2)))).firstBreak).toMatchObject({
      seq: 1,
      line: 1,
      reason: "the file starts at entry 3, not at the chain's first entry",
    });
    const other = { ...chain(1)[0]!, chainId: "platform" };
    expect((await verify(jsonl([entries[0], other]))).firstBreak).toMatchObject({
      line: 2,
      reason: 'it belongs to chain "platform", not "org:' + orgId + '"',
    });
  });

  it("--partial: a filtered export has gaps, but every entry still re-hashes and consecutive entries still link", async () => {
    const entries = chain(8);
    const filtered = entries.filter((e) => e.seq % 3 !== 0);
    expect(await verify(jsonl(filtered), { partial: true })).toMatchObject({
      valid: true,
      entries: 6,
      gaps: 2,
      firstSeq: 1,
      lastSeq: 8,
    });
    filtered[4] = { ...filtered[4]!, action: "member.removed" };
    expect((await verify(jsonl(filtered), { partial: true })).firstBreak).toMatchObject({
      seq: filtered[4]!.seq,
      reason: "its content does not match its hash",
    });
  });

  it("names a line that is not an audit entry", async () => {
    const entries = chain(2);
    expect((await verify(`${jsonl(entries)}{"seq":"three"}\n`)).firstBreak).toMatchObject({
      line: 3,
      reason: expect.stringMatching(/^it is not an audit entry/),
    });
    expect((await verify(`${jsonl(entries)}not json\n`)).firstBreak).toMatchObject({
      line: 3,
      reason: expect.stringMatching(/^it is not JSON/),
    });
    expect(await verify("")).toMatchObject({ valid: false, firstBreak: { reason: "the file holds no entries" } });
  });
});
