import { PdfDamagedError, PdfLimitExceededError } from "@/lib/engine/pdf/pdf-errors";
import { Lexer, skipWhitespace } from "@/lib/engine/pdf/lexer";
import type { Budget } from "@/lib/engine/pdf/limits";
import { PdfDict, PdfStream, asBuffer, isArray, isInteger, isName } from "@/lib/engine/pdf/objects";
import { parseIndirectObject, parseObject } from "@/lib/engine/pdf/parser";
import { decodeStructuralStream } from "@/lib/engine/pdf/stream-decode";

export type XrefEntry =
  { type: 0 } | { type: 1; offset: number; gen: number } | { type: 2; stream: number; index: number };

/** One cross-reference section (a classic table with its trailer, or a cross-reference stream). */
export interface XrefSection {
  /** Offset of the "xref" keyword or of the cross-reference stream object. */
  offset: number;
  kind: "table" | "stream";
  trailer: PdfDict;
  /** Entries of this section only (for a hybrid section, the table merged with its /XRefStm). */
  entries: Map<number, XrefEntry>;
  /** For kind "stream": the object number of the cross-reference stream itself. */
  streamObjectNumber?: number;
}

const STARTXREF = Buffer.from("startxref", "latin1");
const TAIL_SEARCH = 1024 * 1024;

/** Finds the offset given by the last "startxref" of the file (searched near the end only). */
export function findStartxref(src: Uint8Array): { offset: number; keywordAt: number } {
  const buf = asBuffer(src);
  const from = Math.max(0, buf.length - TAIL_SEARCH);
  const at = buf.lastIndexOf(STARTXREF);
  if (at < from || at < 0) throw new PdfDamagedError("no startxref");
  const p = skipWhitespace(src, at + STARTXREF.length);
  let end = p;
  let value = 0;
  while (end < src.length && (src[end] as number) >= 0x30 && (src[end] as number) <= 0x39 && end - p < 15) {
    value = value * 10 + ((src[end] as number) - 0x30);
    end++;
  }
  if (end === p) throw new PdfDamagedError("startxref without an offset");
  return { offset: value, keywordAt: at };
}

/** Reads the section at `offset` and every older one reachable through /Prev (and /XRefStm). Newest first. */
export function readXrefChain(src: Uint8Array, startxref: number, budget: Budget): XrefSection[] {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let offset: number | undefined = startxref;
  let totalEntries = 0;
  while (offset !== undefined) {
    if (seen.has(offset)) break; // a /Prev loop: the sections read so far are complete
    if (sections.length >= budget.limits.maxXrefSections) throw new PdfLimitExceededError("xref-sections");
    seen.add(offset);
    const section = readXrefSection(src, offset, budget);
    totalEntries += section.entries.size;
    if (totalEntries > budget.limits.maxObjects) throw new PdfLimitExceededError("objects");
    sections.push(section);
    const prev = section.trailer.get("Prev");
    offset = isInteger(prev) ? prev : undefined;
  }
  return sections;
}

export function readXrefSection(src: Uint8Array, offset: number, budget: Budget): XrefSection {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= src.length)
    throw new PdfDamagedError(`xref offset ${offset} outside the file`);
  const lexer = new Lexer(src, offset, budget);
  if (lexer.acceptKeyword("xref")) {
    const section = readXrefTable(lexer, offset, budget);
    const hybrid = section.trailer.get("XRefStm");
    if (isInteger(hybrid)) {
      const stream = readXrefStream(src, hybrid, budget);
      for (const [num, entry] of stream.entries) {
        const existing = section.entries.get(num);
        if (existing === undefined || existing.type === 0) section.entries.set(num, entry);
      }
    }
    return section;
  }
  return readXrefStream(src, offset, budget);
}

function readXrefTable(lexer: Lexer, offset: number, budget: Budget): XrefSection {
  const src = lexer.src;
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    if (lexer.acceptKeyword("trailer")) break;
    const first = lexer.peekInteger();
    if (first === undefined) throw new PdfDamagedError(`bad xref subsection at ${lexer.pos}`);
    lexer.pos = first.end;
    const count = lexer.peekInteger();
    if (count === undefined) throw new PdfDamagedError(`bad xref subsection at ${lexer.pos}`);
    lexer.pos = count.end;
    if (first.value + count.value > budget.limits.maxObjects) throw new PdfLimitExceededError("objects");
    let p = lexer.pos;
    for (let i = 0; i < count.value; i++) {
      budget.tick();
      p = skipWhitespace(src, p);
      const [off, afterOff] = readDigits(src, p);
      p = skipSpaces(src, afterOff);
      const [gen, afterGen] = readDigits(src, p);
      p = skipSpaces(src, afterGen);
      const kind = src[p];
      if (afterOff === p || (kind !== 0x6e && kind !== 0x66)) throw new PdfDamagedError(`bad xref entry at ${p}`);
      p++;
      const num = first.value + i;
      if (!entries.has(num)) entries.set(num, kind === 0x6e && off > 0 ? { type: 1, offset: off, gen } : { type: 0 });
    }
    lexer.pos = p;
  }
  const trailer = parseObject(lexer, budget);
  if (!(trailer instanceof PdfDict)) throw new PdfDamagedError("trailer is not a dictionary");
  return { offset, kind: "table", trailer, entries };
}

function skipSpaces(src: Uint8Array, p: number): number {
  while (src[p] === 0x20) p++;
  return p;
}

function readDigits(src: Uint8Array, p: number): [number, number] {
  let value = 0;
  const start = p;
  while (p < src.length && (src[p] as number) >= 0x30 && (src[p] as number) <= 0x39 && p - start < 12) {
    value = value * 10 + ((src[p] as number) - 0x30);
    p++;
  }
  return [value, p];
}

function readXrefStream(src: Uint8Array, offset: number, budget: Budget): XrefSection {
  const object = parseIndirectObject(src, offset, budget, () => undefined);
  const stream = object.value;
  if (!(stream instanceof PdfStream) || !isName(stream.dict.get("Type"), "XRef"))
    throw new PdfDamagedError(`no cross-reference section at ${offset}`);
  const dict = stream.dict;
  const w = dict.get("W");
  const size = dict.get("Size");
  if (
    !isArray(w) ||
    w.length !== 3 ||
    !w.every((x) => isInteger(x) && x >= 0 && x <= 8) ||
    !isInteger(size) ||
    size < 0
  ) {
    throw new PdfDamagedError(`bad cross-reference stream dictionary at ${offset}`);
  }
  if (size > budget.limits.maxObjects) throw new PdfLimitExceededError("objects");
  const [w0, w1, w2] = w as [number, number, number];
  const rowLength = w0 + w1 + w2;
  const indexValue = dict.get("Index");
  const index = isArray(indexValue) ? indexValue : [0, size];
  if (index.length % 2 !== 0 || !index.every((x) => isInteger(x) && x >= 0))
    throw new PdfDamagedError(`bad /Index at ${offset}`);
  const data = decodeStructuralStream(stream, budget);
  const entries = new Map<number, XrefEntry>();
  let row = 0;
  for (let k = 0; k < index.length; k += 2) {
    const first = index[k] as number;
    const count = index[k + 1] as number;
    if (first + count > budget.limits.maxObjects) throw new PdfLimitExceededError("objects");
    for (let i = 0; i < count; i++, row++) {
      budget.tick();
      const at = row * rowLength;
      if (at + rowLength > data.length) throw new PdfDamagedError(`cross-reference stream too short at ${offset}`);
      const type = w0 === 0 ? 1 : readField(data, at, w0);
      const f2 = readField(data, at + w0, w1);
      const f3 = readField(data, at + w0 + w1, w2);
      const num = first + i;
      if (entries.has(num)) continue;
      if (type === 1) entries.set(num, { type: 1, offset: f2, gen: f3 });
      else if (type === 2) entries.set(num, { type: 2, stream: f2, index: f3 });
      else if (type === 0) entries.set(num, { type: 0 });
      // Other types are reserved and read as null objects: leave them out.
    }
  }
  return { offset, kind: "stream", trailer: dict, entries, streamObjectNumber: object.num };
}

function readField(data: Uint8Array, at: number, width: number): number {
  let value = 0;
  for (let i = 0; i < width; i++) value = value * 256 + (data[at + i] as number);
  return value;
}
