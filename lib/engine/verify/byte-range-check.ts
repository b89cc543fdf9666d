/**
 * Is a signature's /ByteRange what a signature must have? Two ranges, the first
 * starting at 0; the gap between them is exactly the /Contents hex string of this
 * signature dictionary, "<" and ">" included; everything within the file, no
 * overlap. And which revision does it seal: the one whose end it reaches (white
 * space between the range's end and the revision's end is tolerated).
 */
import type { ByteRangeReport } from "@/lib/engine/verify/verification-report";

export type FourNumbers = readonly [number, number, number, number];

export interface ByteRangeInput {
  byteRange?: readonly number[];
  /** Where the /Contents hex string token lies in the file, when lib/pdf knows. */
  contentsSpan?: { start: number; end: number };
}

export interface CheckedByteRange extends ByteRangeReport {
  /** The range, when it lies within the file and its parts do not overlap (so it can be hashed). */
  usable?: FourNumbers;
}

export function checkByteRange(
  signature: ByteRangeInput,
  bytes: Uint8Array,
  revisionEnds: readonly number[],
): CheckedByteRange {
  const problems: string[] = [];
  const value = signature.byteRange ? [...signature.byteRange] : undefined;
  const report: CheckedByteRange = { value, sane: false, problems, coversWholeFile: false };
  if (value === undefined) {
    problems.push("The signature has no /ByteRange (or it is not an array of integers).");
    return report;
  }
  if (value.length !== 4) {
    problems.push(`The /ByteRange has ${value.length} numbers; a signature needs exactly two ranges (four numbers).`);
    return report;
  }
  const [a, b, c, d] = value as unknown as FourNumbers;
  if (![a, b, c, d].every((n) => Number.isSafeInteger(n) && n >= 0)) {
    problems.push("The /ByteRange holds negative or oversized numbers.");
    return report;
  }
  if (a + b > c) problems.push("The two parts of the /ByteRange overlap.");
  if (c + d > bytes.length) problems.push("The /ByteRange reaches beyond the end of the file.");
  if (problems.length > 0) return report;

  report.usable = [a, b, c, d];
  report.coveredUntil = c + d;
  report.coversWholeFile = c + d === bytes.length;
  report.revision = sealedRevision(bytes, c + d, revisionEnds);
  if (a !== 0) problems.push("The /ByteRange does not start at the beginning of the file.");
  const span = signature.contentsSpan;
  if (span === undefined) {
    problems.push("The signature's /Contents could not be located in the file.");
  } else if (span.start !== a + b || span.end !== c) {
    problems.push("The gap in the /ByteRange is not exactly the signature's /Contents: other bytes are left unsigned.");
  } else if (bytes[span.start] !== 0x3c || bytes[span.end - 1] !== 0x3e) {
    problems.push("The /Contents in the gap of the /ByteRange is not a hex string.");
  }
  report.sane = problems.length === 0;
  return report;
}

/** Signers differ on whether the end-of-line after %%EOF is signed: that much white space is tolerated. */
const MAX_EOL_SLACK = 16;

/** The revision whose end `end` is, allowing only a little white space between the two. */
function sealedRevision(bytes: Uint8Array, end: number, revisionEnds: readonly number[]): number | undefined {
  for (let index = 0; index < revisionEnds.length; index++) {
    const revisionEnd = revisionEnds[index] as number;
    if (
      Math.abs(revisionEnd - end) <= MAX_EOL_SLACK &&
      onlyWhiteSpace(bytes, Math.min(end, revisionEnd), Math.max(end, revisionEnd))
    )
      return index;
  }
  return undefined;
}

export function onlyWhiteSpace(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWhiteSpace(bytes[i])) return false;
  return true;
}

export function countNonWhiteSpace(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (!isWhiteSpace(bytes[i])) count++;
  return count;
}

/** Offset of the first byte in [from, to) that is not white space, or -1. */
export function firstNonWhiteSpace(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!isWhiteSpace(bytes[i])) return i;
  return -1;
}

function isWhiteSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x0c || byte === 0x00;
}
