/**
 * Checks an exported audit file (JSON Lines or CSV, as lib/audit/audit-export writes them)
 * without the database: every entry's hash is recomputed, consecutive entries must link
 * (prevHash = the previous entry's hash), and a whole export must run from the chain's first
 * entry (prevHash = the genesis hash) with no sequence number missing. The first entry that
 * fails is named by sequence number, line and id. A file rewritten and re-hashed from some
 * entry on still verifies here; its head hash, compared with a signed checkpoint, shows that.
 */
import type { AuditEntryJson } from "@/lib/audit/audit-entry-json";
import type { ExportFormat } from "@/lib/audit/audit-export";
import type { JsonValue } from "@/lib/audit/canonical-json";
import { parseCsvCells, unescapeCsvText } from "@/lib/audit/csv";
import { entryHash, GENESIS_HASH } from "@/lib/audit/entry-hash";

/** One entry of the file, or why its line is not one. `line`: the JSONL line, or the CSV record after the header. */
export type ExportedLine = { line: number; entry: AuditEntryJson } | { line: number; problem: string };

export type ExportBreak = { seq: number | null; line: number; entryId: string | null; reason: string };

export type ExportVerification = {
  valid: boolean;
  chainId: string | null;
  entries: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** The last verified entry's hash: compare it with a signed checkpoint at lastSeq. */
  headHash: string | null;
  /** Runs of missing sequence numbers (accepted only with `partial`). */
  gaps: number;
  firstBreak: ExportBreak | null;
};

export async function verifyExportedEntries(
  lines: Iterable<ExportedLine> | AsyncIterable<ExportedLine>,
  options: { partial?: boolean } = {},
): Promise<ExportVerification> {
  let chainId: string | null = null;
  let firstSeq: number | null = null;
  let previous: AuditEntryJson | null = null;
  let count = 0;
  let gaps = 0;
  let firstBreak: ExportBreak | null = null;
  let lastLine = 0;

  for await (const item of lines) {
    lastLine = item.line;
    if ("problem" in item) {
      firstBreak = { seq: null, line: item.line, entryId: null, reason: item.problem };
      break;
    }
    const entry = item.entry;
    const broken = (reason: string, seq: number = entry.seq): ExportBreak => ({
      seq,
      line: item.line,
      entryId: seq === entry.seq ? entry.id : null,
      reason,
    });
    chainId ??= entry.chainId;
    if (entry.chainId !== chainId) {
      firstBreak = broken(`it belongs to chain "${entry.chainId}", not "${chainId}"`);
      break;
    }
    const expectedSeq = previous === null ? 1 : previous.seq + 1;
    if (entry.seq !== expectedSeq) {
      if (entry.seq < expectedSeq) {
        firstBreak = broken(`entry ${entry.seq} is out of order (after entry ${expectedSeq - 1})`);
        break;
      }
      if (!options.partial) {
        firstBreak =
          previous === null
            ? broken(`the file starts at entry ${entry.seq}, not at the chain's first entry`, 1)
            : broken(`entry ${expectedSeq} is missing (the next line holds entry ${entry.seq})`, expectedSeq);
        break;
      }
      gaps += 1;
    } else if (entry.prevHash !== (previous === null ? GENESIS_HASH : previous.hash)) {
      firstBreak = broken(
        previous === null
          ? "the chain's first entry does not start from the genesis hash"
          : "its previous-hash does not match the entry before it",
      );
      break;
    }
    if (entryHash({ ...entry, at: new Date(entry.at) }) !== entry.hash) {
      firstBreak = broken("its content does not match its hash");
      break;
    }
    firstSeq ??= entry.seq;
    previous = entry;
    count += 1;
  }
  if (firstBreak === null && count === 0)
    firstBreak = { seq: null, line: lastLine, entryId: null, reason: "the file holds no entries" };
  return {
    valid: firstBreak === null,
    chainId,
    entries: count,
    firstSeq,
    lastSeq: previous?.seq ?? null,
    headHash: previous?.hash ?? null,
    gaps,
    firstBreak,
  };
}

/** The entries of an export held in memory (CSV, or small JSONL files). */
export function readAuditExport(text: string, format: ExportFormat): ExportedLine[] {
  return format === "csv" ? [...csvEntries(text)] : [...jsonlEntries(text.split("\n"))];
}

/** JSON Lines, line by line (the CLI feeds it a file's lines as they are read). */
export async function* jsonlEntriesOf(lines: AsyncIterable<string>): AsyncGenerator<ExportedLine> {
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() !== "") yield jsonlEntry(text, line);
  }
}

function* jsonlEntries(lines: string[]): Generator<ExportedLine> {
  for (const [index, text] of lines.entries()) if (text.trim() !== "") yield jsonlEntry(text, index + 1);
}

function jsonlEntry(text: string, line: number): ExportedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, problem: "it is not JSON" };
  }
  return checkedEntry(value, line);
}

const CSV_FIELDS = [
  "id",
  "chainId",
  "seq",
  "orgId",
  "at",
  "actorId",
  "action",
  "subjectType",
  "subjectId",
  "data",
  "prevHash",
  "hash",
] as const;

function* csvEntries(text: string): Generator<ExportedLine> {
  const [header, ...records] = parseCsvCells(text);
  const columns = new Map((header ?? []).map((name, index) => [name, index]));
  const missing = CSV_FIELDS.filter((field) => !columns.has(field));
  if (missing.length > 0) {
    yield { line: 0, problem: `the CSV header lacks ${missing.join(", ")}` };
    return;
  }
  for (const [index, record] of records.entries()) {
    const line = index + 1;
    const cell = (field: (typeof CSV_FIELDS)[number]) => {
      const value = record[columns.get(field) as number];
      return value === null || value === undefined ? null : unescapeCsvText(value);
    };
    let data: unknown;
    try {
      data = JSON.parse(cell("data") ?? "");
    } catch {
      yield { line, problem: "its data is not JSON" };
      return;
    }
    const seq = cell("seq");
    const value: Record<string, unknown> = Object.fromEntries(CSV_FIELDS.map((field) => [field, cell(field)]));
    yield checkedEntry({ ...value, seq: seq !== null && /^\d+$/.test(seq) ? Number(seq) : seq, data }, line);
  }
}

const HASH = /^[0-9a-f]{64}$/;

function checkedEntry(value: unknown, line: number): ExportedLine {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { line, problem: "it is not an audit entry (not a JSON object)" };
  const v = value as Record<string, unknown>;
  const text = (key: string) => typeof v[key] === "string";
  const textOrNull = (key: string) => v[key] === null || typeof v[key] === "string";
  const checks: Array<[string, boolean]> = [
    ["id", text("id")],
    ["chainId", text("chainId")],
    ["seq", Number.isSafeInteger(v.seq) && (v.seq as number) > 0],
    ["orgId", textOrNull("orgId")],
    ["at", text("at") && !Number.isNaN(Date.parse(v.at as string))],
    ["actorId", textOrNull("actorId")],
    ["action", text("action")],
    ["subjectType", textOrNull("subjectType")],
    ["subjectId", textOrNull("subjectId")],
    ["data", "data" in v],
    ["prevHash", text("prevHash") && HASH.test(v.prevHash as string)],
    ["hash", text("hash") && HASH.test(v.hash as string)],
  ];
  const bad = checks.filter(([, ok]) => !ok).map(([key]) => key);
  if (bad.length > 0) return { line, problem: `it is not an audit entry (bad or missing ${bad.join(", ")})` };
  const entry: AuditEntryJson = {
    id: v.id as string,
    chainId: v.chainId as string,
    seq: v.seq as number,
    orgId: v.orgId as string | null,
    at: v.at as string,
    actorId: v.actorId as string | null,
    action: v.action as string,
    subjectType: v.subjectType as string | null,
    subjectId: v.subjectId as string | null,
    data: v.data as JsonValue,
    prevHash: v.prevHash as string,
    hash: v.hash as string,
  };
  return { line, entry };
}
