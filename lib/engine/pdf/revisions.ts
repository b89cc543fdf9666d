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
  const buf = asBuffer(file.bytes);
  const sectionOffsets = new Set(file.sections.map((s) => s.offset));
  const ends: number[] = [];
  for (let at = buf.indexOf(STARTXREF); at >= 0; at = buf.indexOf(STARTXREF, at + STARTXREF.length)) {
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
