import type { PdfLimits } from "@/lib/engine/pdf/limits";
import { asBuffer } from "@/lib/engine/pdf/objects";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import type { XrefSection } from "@/lib/engine/pdf/xref";

export interface Revision {
  /** 0 for the original document, then one per incremental update. */
  index: number;
  /**
   * Offset just past this revision: after its "%%EOF" and the end-of-line that follows
   * it (CR, LF or CRLF), i.e. what a signature covering this revision covers.
   */
  end: number;
  /** The cross-reference sections of this revision (a linearized file has two in its first revision). Oldest first. */
  sections: XrefSection[];
}

const STARTXREF = Buffer.from("startxref", "latin1");
const XREF = Buffer.from("xref", "latin1");
const START_LENGTH = STARTXREF.length - XREF.length;
/** "xref" hits before the whole keyword is searched for (a file has one per table and one per startxref). */
export const QUICK_SEARCH_HITS = 4096;
const EOF_MARK = Buffer.from("%%EOF", "latin1");

/**
 * The revisions of a PDF: each "startxref N %%EOF" whose N is a cross-reference section
 * of the file's /Prev chain ends a revision. The sections of a revision are those that
 * lie before its end and after the previous revision's end.
 */
export function listRevisions(pdf: Uint8Array, limits?: Partial<PdfLimits>): Revision[] {
  return revisionsOf(PdfFile.open(pdf, limits));
}

export function revisionsOf(file: PdfFile): Revision[] {
  const known = revisionsRead.get(file);
  if (known !== undefined) return [...known];
  const revisions = readRevisions(file);
  revisionsRead.set(file, revisions);
  return [...revisions];
}

/**
 * The revisions of a file already read: the verifier's structure and its change analysis both
 * need them, and the seal path runs both on one open file (within one budget, which the first
 * reading charged).
 */
const revisionsRead = new WeakMap<PdfFile, readonly Revision[]>();

function readRevisions(file: PdfFile): Revision[] {
  const buf = asBuffer(file.bytes);
  const sectionOffsets = new Set(file.sections.map((s) => s.offset));
  const ends: number[] = [];
  for (const at of startxrefKeywords(buf)) {
    file.budget.tick();
    const parsed = readStartxrefAt(buf, at);
    if (parsed === undefined || !sectionOffsets.has(parsed.value)) continue;
    ends.push(parsed.end);
  }
  const sections = [...file.sections].sort((a, b) => a.offset - b.offset);
  const revisions: Revision[] = [];
  let previousEnd = 0;
  for (const end of [...new Set(ends)].sort((a, b) => a - b)) {
    const mine = sections.filter((s) => s.offset >= previousEnd && s.offset < end);
    if (mine.length === 0) continue;
    revisions.push({ index: revisions.length, end, sections: mine });
    previousEnd = end;
  }
  return revisions;
}

/**
 * Every offset of "startxref" in the file, in order. The file is searched first for the keyword's
 * last four bytes: Buffer.indexOf looks for a needle shorter than seven bytes with memchr on its
 * first byte, but for "startxref" with a Boyer-Moore-Horspool search about ten times slower on
 * binary content (a 100 MB file of images: 8 against 80 ms or more). Each hit costs a call from
 * JavaScript, though, so past QUICK_SEARCH_HITS of them (content full of "xref") the rest of the
 * file is searched for the whole keyword, at the slower search's speed and no worse.
 */
function* startxrefKeywords(buf: Buffer): Generator<number> {
  let at = buf.indexOf(XREF, START_LENGTH);
  for (let hits = 0; at >= 0 && hits < QUICK_SEARCH_HITS; hits++) {
    const start = at - START_LENGTH;
    if (buf.compare(STARTXREF, 0, START_LENGTH, start, at) === 0) yield start;
    at = buf.indexOf(XREF, at + XREF.length);
  }
  if (at < 0) return;
  // Keywords starting before at - START_LENGTH were found above; the one ending in this hit was not.
  for (
    let start = buf.indexOf(STARTXREF, at - START_LENGTH);
    start >= 0;
    start = buf.indexOf(STARTXREF, start + STARTXREF.length)
  )
    yield start;
}

/**
 * Parses "startxref <digits> %%EOF<eol>" at `at`; `end` is past the EOL. When the %%EOF
 * marker is missing (a damaged but readable file, later updated), the revision ends
 * after the number and its end-of-line.
 */
function readStartxrefAt(buf: Buffer, at: number): { value: number; end: number } | undefined {
  let p = at + STARTXREF.length;
  while (p < buf.length && isSpace(buf[p])) p++;
  const digitsStart = p;
  let value = 0;
  while (p < buf.length && (buf[p] as number) >= 0x30 && (buf[p] as number) <= 0x39 && p - digitsStart < 15) {
    value = value * 10 + ((buf[p] as number) - 0x30);
    p++;
  }
  if (p === digitsStart) return undefined;
  let q = p;
  while (q < buf.length && isSpace(buf[q])) q++;
  if (q + EOF_MARK.length > buf.length || buf.compare(EOF_MARK, 0, EOF_MARK.length, q, q + EOF_MARK.length) !== 0) {
    q = p;
  } else {
    q += EOF_MARK.length;
  }
  if (buf[q] === 0x0d) q++;
  if (buf[q] === 0x0a) q++;
  return { value, end: q };
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x0c || byte === 0x00;
}
