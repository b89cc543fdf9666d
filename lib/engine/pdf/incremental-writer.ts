import { PdfDict, PdfName, PdfRef, PdfString, type PdfObject } from "@/lib/engine/pdf/objects";
import type { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { ByteSink, writeObject } from "@/lib/engine/pdf/serializer";

export interface UpdatedObject {
  ref: PdfRef;
  value: PdfObject;
}

export interface IncrementalUpdateResult {
  /** The original bytes (not copied). */
  original: Uint8Array;
  /** Only the appended bytes; the output is `original` followed by `update`. */
  update: Uint8Array;
  /** The whole output, joined on each access (a copy of the original: avoid on large files). */
  readonly bytes: Uint8Array;
  /** Absolute offsets of the placeholders written (see PdfPlaceholder). */
  placeholders: Map<string, number>;
  /** Offset of the new cross-reference section. */
  xrefOffset: number;
}

/**
 * Appends an incremental update: the given objects, then a cross-reference section of
 * the same kind as the file's newest one (a classic table for table and hybrid files, a
 * cross-reference stream otherwise), a trailer that carries the previous one's entries with a
 * new /Size, /ID and /Prev, startxref and %%EOF. The original bytes are an exact prefix of the output.
 *
 * @param newIdPart the second element of the new /ID (the first one is kept)
 */
export function writeIncrementalUpdate(
  file: PdfFile,
  objects: UpdatedObject[],
  newIdPart: Uint8Array,
): IncrementalUpdateResult {
  const original = file.bytes;
  const sink = new ByteSink(original.length);
  const last = original[original.length - 1];
  if (last !== 0x0a && last !== 0x0d) sink.text("\n");

  const offsets = new Map<number, { offset: number; gen: number }>();
  for (const { ref, value } of objects) {
    offsets.set(ref.num, { offset: sink.length, gen: ref.gen });
    sink.text(`${ref.num} ${ref.gen} obj\n`);
    writeObject(sink, value);
    sink.text("\nendobj\n");
  }

  let size = file.nextObjectNumber;
  for (const num of offsets.keys()) size = Math.max(size, num + 1);

  const trailer = carriedTrailer(file);
  trailer.set("ID", [new PdfString(firstIdPart(file, newIdPart)), new PdfString(newIdPart)]);
  trailer.set("Prev", file.startxref);

  const xrefOffset = sink.length;
  if (file.lastSectionKind === "stream") {
    const streamNumber = size;
    size += 1;
    offsets.set(streamNumber, { offset: xrefOffset, gen: 0 });
    writeXrefStream(sink, streamNumber, size, offsets, trailer);
  } else {
    writeXrefTable(sink, size, offsets, trailer);
  }
  sink.text(`\nstartxref\n${xrefOffset}\n%%EOF\n`);
  const update = sink.toBytes();
  return {
    original,
    update,
    get bytes() {
      return joinParts(original, update);
    },
    placeholders: sink.placeholders,
    xrefOffset,
  };
}

/**
 * Keys of a trailer or cross-reference stream dictionary that describe that section or stream
 * only, and must not be copied into the next one: /Prev and /Size are written anew, /XRefStm
 * points at a hybrid section's own stream, the rest are a cross-reference stream's own keys.
 */
const SECTION_KEYS = new Set([
  "Prev",
  "Size",
  "XRefStm",
  "Type",
  "W",
  "Index",
  "Length",
  "Filter",
  "DecodeParms",
  "F",
  "FFilter",
  "FDecodeParms",
  "DL",
]);

/**
 * The previous trailer's entries, for the update's trailer: ISO 32000-1 7.5.6 asks for every
 * entry but /Prev (a direct /Info dictionary, /ID, /Root, producers' own keys…). The trailer
 * read is the newest section's, completed from older ones (a linearized file's /Root).
 */
function carriedTrailer(file: PdfFile): PdfDict {
  const trailer = new PdfDict();
  for (const [key, value] of file.trailer.entries) if (!SECTION_KEYS.has(key)) trailer.set(key, value);
  return trailer;
}

function firstIdPart(file: PdfFile, fallback: Uint8Array): Uint8Array {
  const id = file.resolve(file.trailer.get("ID"));
  const first = Array.isArray(id) ? id[0] : undefined;
  return first instanceof PdfString && first.bytes.length > 0 ? first.bytes : fallback;
}

/** Groups sorted object numbers into [first, count] runs. */
function subsections(numbers: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const num of numbers) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run[0] + run[1] === num) run[1]++;
    else runs.push([num, 1]);
  }
  return runs;
}

function writeXrefTable(
  sink: ByteSink,
  size: number,
  offsets: Map<number, { offset: number; gen: number }>,
  trailer: PdfDict,
): void {
  const numbers = [...offsets.keys()].sort((a, b) => a - b);
  sink.text("xref\n");
  let i = 0;
  for (const [first, count] of subsections(numbers)) {
    sink.text(`${first} ${count}\n`);
    for (let k = 0; k < count; k++, i++) {
      const entry = offsets.get(numbers[i] as number) as { offset: number; gen: number };
      sink.text(`${String(entry.offset).padStart(10, "0")} ${String(entry.gen).padStart(5, "0")} n \n`);
    }
  }
  const dict = new PdfDict([["Size", size]]);
  for (const [key, value] of trailer.entries) dict.set(key, value);
  sink.text("trailer\n");
  writeObject(sink, dict);
}

function writeXrefStream(
  sink: ByteSink,
  streamNumber: number,
  size: number,
  offsets: Map<number, { offset: number; gen: number }>,
  trailer: PdfDict,
): void {
  const numbers = [...offsets.keys()].sort((a, b) => a - b);
  let maxOffset = 0;
  let maxGen = 0;
  for (const entry of offsets.values()) {
    maxOffset = Math.max(maxOffset, entry.offset);
    maxGen = Math.max(maxGen, entry.gen);
  }
  const offsetWidth = bytesFor(maxOffset);
  const genWidth = Math.max(1, bytesFor(maxGen));
  const rowLength = 1 + offsetWidth + genWidth;
  const data = new Uint8Array(numbers.length * rowLength);
  numbers.forEach((num, row) => {
    const entry = offsets.get(num) as { offset: number; gen: number };
    const at = row * rowLength;
    data[at] = 1;
    putField(data, at + 1, offsetWidth, entry.offset);
    putField(data, at + 1 + offsetWidth, genWidth, entry.gen);
  });
  const index: PdfObject[] = [];
  for (const [first, count] of subsections(numbers)) index.push(first, count);
  const dict = new PdfDict([
    ["Type", new PdfName("XRef")],
    ["Size", size],
    ["W", [1, offsetWidth, genWidth]],
    ["Index", index],
  ]);
  for (const [key, value] of trailer.entries) dict.set(key, value);
  dict.set("Length", data.length);
  sink.text(`${streamNumber} 0 obj\n`);
  writeObject(sink, dict);
  sink.text("\nstream\n");
  sink.bytes(data);
  sink.text("\nendstream\nendobj");
}

function bytesFor(value: number): number {
  let width = 1;
  while (value >= 256 ** width) width++;
  return width;
}

function putField(data: Uint8Array, at: number, width: number, value: number): void {
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    data[at + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

/** original ‖ update, as one new buffer. */
export function joinParts(original: Uint8Array, update: Uint8Array): Uint8Array {
  return Buffer.concat([original, update]);
}
