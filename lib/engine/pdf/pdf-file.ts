import { NotAPdfError, PdfDamagedError, PdfEncryptedError } from "@/lib/engine/pdf/pdf-errors";
import { Lexer } from "@/lib/engine/pdf/lexer";
import { Budget, resolveLimits, type PdfLimits } from "@/lib/engine/pdf/limits";
import { PdfDict, PdfRef, PdfStream, asBuffer, isInteger, type PdfObject } from "@/lib/engine/pdf/objects";
import { parseIndirectObject, parseObject } from "@/lib/engine/pdf/parser";
import { decodeStructuralStream } from "@/lib/engine/pdf/stream-decode";
import { findStartxref, readXrefChain, type XrefEntry, type XrefSection } from "@/lib/engine/pdf/xref";

const HEADER = Buffer.from("%PDF-", "latin1");

interface ObjectStreamIndex {
  data: Uint8Array;
  first: number;
  /** [object number, offset] pairs, in stream order. Keyed by the stream's file offset. */
  pairs: Array<[number, number]>;
}

/**
 * A read-only view of a PDF for incremental signing: the header, the cross-reference
 * chain (tables, streams, hybrids, /Prev, linearized), and objects parsed on demand.
 * Nothing is parsed or inflated until it is asked for; page content is never inflated.
 */
export class PdfFile {
  readonly bytes: Uint8Array;
  readonly budget: Budget;
  /** Newest first: sections[0] is the one the final startxref points to. */
  readonly sections: XrefSection[];
  readonly xref: Map<number, XrefEntry>;
  /** The newest trailer, with keys missing from it taken from older trailers (/Root in a linearized file's main trailer, …). */
  readonly trailer: PdfDict;
  readonly startxref: number;
  /** One past the highest object number in use: new objects are numbered from here. */
  readonly nextObjectNumber: number;
  private readonly cache = new Map<number, PdfObject>();
  private readonly objectStreams = new Map<number, ObjectStreamIndex>();
  private readonly resolving = new Set<number>();

  private constructor(bytes: Uint8Array, budget: Budget, options: { allowEncrypted?: boolean }) {
    this.bytes = bytes;
    this.budget = budget;
    sniffHeader(bytes);
    this.startxref = findStartxref(bytes).offset;
    this.sections = readXrefChain(bytes, this.startxref, budget);
    this.xref = new Map();
    const trailer = new PdfDict();
    let highest = 0;
    for (const section of this.sections) {
      for (const [num, entry] of section.entries) {
        if (!this.xref.has(num)) this.xref.set(num, entry);
        if (num > highest) highest = num;
      }
      for (const [key, value] of section.trailer.entries) if (!trailer.has(key)) trailer.set(key, value);
    }
    this.trailer = trailer;
    if (trailer.has("Encrypt") && !options.allowEncrypted) throw new PdfEncryptedError();
    const size = this.sections[0]?.trailer.get("Size");
    this.nextObjectNumber = Math.max(isInteger(size) ? size : 0, highest + 1);
  }

  static open(bytes: Uint8Array, limits?: Partial<PdfLimits>, options: { allowEncrypted?: boolean } = {}): PdfFile {
    return new PdfFile(bytes, new Budget(resolveLimits(limits)), options);
  }

  /** The kind of the newest cross-reference section; an update should use the same kind. */
  get lastSectionKind(): "table" | "stream" {
    return this.sections[0]?.kind ?? "table";
  }

  /** The object with this number (the newest version), or null if it is free or missing. */
  getObject(num: number): PdfObject {
    const cached = this.cache.get(num);
    if (cached !== undefined) return cached;
    const entry = this.xref.get(num);
    if (entry === undefined || entry.type === 0) return null;
    if (this.resolving.has(num)) throw new PdfDamagedError(`object ${num} refers to itself while being read`);
    this.resolving.add(num);
    try {
      const value =
        entry.type === 1 ? this.readTopLevel(num, entry.offset) : this.readCompressed(num, entry.stream, entry.index);
      this.cache.set(num, value);
      return value;
    } finally {
      this.resolving.delete(num);
    }
  }

  /** Follows references until a direct object; undefined stays undefined. */
  resolve(value: PdfObject | undefined): PdfObject | undefined {
    let current = value;
    for (let hops = 0; current instanceof PdfRef; hops++) {
      if (hops > 32) throw new PdfDamagedError("reference chain too long");
      current = this.getObject(current.num);
    }
    return current;
  }

  resolveDict(value: PdfObject | undefined): PdfDict | undefined {
    const resolved = this.resolve(value);
    if (resolved instanceof PdfDict) return resolved;
    if (resolved instanceof PdfStream) return resolved.dict;
    return undefined;
  }

  /** The document catalog (trailer /Root). */
  catalog(): { ref: PdfRef; dict: PdfDict } {
    const root = this.trailer.get("Root");
    if (!(root instanceof PdfRef)) throw new PdfDamagedError("trailer has no /Root reference");
    const dict = this.getObject(root.num);
    if (!(dict instanceof PdfDict)) throw new PdfDamagedError("/Root is not a dictionary");
    return { ref: root, dict };
  }

  /** Parses an object at a file offset; for the revision analysis, which reads older versions. */
  readObjectAt(offset: number, options: { spans?: boolean } = {}): PdfObject {
    return parseIndirectObject(this.bytes, offset, this.budget, (ref) => this.lengthOf(ref), options).value;
  }

  /**
   * Reads object `num` as stored at a given entry (not necessarily the newest version).
   * For a compressed object, `streamEntry` locates the object stream of that revision.
   */
  readEntry(num: number, entry: XrefEntry, options: { spans?: boolean; streamEntry?: XrefEntry } = {}): PdfObject {
    if (entry.type === 0) return null;
    if (entry.type === 1) return this.readTopLevel(num, entry.offset, options);
    return this.readCompressed(num, entry.stream, entry.index, options.streamEntry);
  }

  private readTopLevel(num: number, offset: number, options: { spans?: boolean } = {}): PdfObject {
    const object = parseIndirectObject(this.bytes, offset, this.budget, (ref) => this.lengthOf(ref), options);
    if (object.num !== num) throw new PdfDamagedError(`object ${num} expected at ${offset}, found ${object.num}`);
    return object.value;
  }

  private lengthOf(ref: PdfRef): number | undefined {
    try {
      const value = this.getObject(ref.num);
      return isInteger(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  private readCompressed(num: number, streamNumber: number, index: number, streamEntry?: XrefEntry): PdfObject {
    const objectStream = this.objectStream(streamNumber, streamEntry);
    const pair = objectStream.pairs[index];
    const found = pair !== undefined && pair[0] === num ? pair : objectStream.pairs.find((p) => p[0] === num);
    if (found === undefined) throw new PdfDamagedError(`object ${num} missing from object stream ${streamNumber}`);
    const lexer = new Lexer(objectStream.data, objectStream.first + found[1], this.budget);
    return parseObject(lexer, this.budget);
  }

  private objectStream(streamNumber: number, streamEntry?: XrefEntry): ObjectStreamIndex {
    const entry = streamEntry ?? this.xref.get(streamNumber);
    if (entry?.type !== 1) throw new PdfDamagedError(`object stream ${streamNumber} is not a top-level object`);
    const known = this.objectStreams.get(entry.offset);
    if (known !== undefined) return known;
    const stream = this.readTopLevel(streamNumber, entry.offset);
    if (!(stream instanceof PdfStream)) throw new PdfDamagedError(`object stream ${streamNumber} is not a stream`);
    const n = stream.dict.get("N");
    const first = stream.dict.get("First");
    if (!isInteger(n) || !isInteger(first) || n < 0 || first < 0)
      throw new PdfDamagedError(`bad object stream ${streamNumber}`);
    if (n > this.budget.limits.maxObjects) throw new PdfDamagedError(`bad object stream ${streamNumber}`);
    const data = decodeStructuralStream(stream, this.budget);
    const lexer = new Lexer(data, 0, this.budget);
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const objectNumber = lexer.peekInteger();
      if (objectNumber === undefined) throw new PdfDamagedError(`bad object stream header in ${streamNumber}`);
      lexer.pos = objectNumber.end;
      const offset = lexer.peekInteger();
      if (offset === undefined) throw new PdfDamagedError(`bad object stream header in ${streamNumber}`);
      lexer.pos = offset.end;
      pairs.push([objectNumber.value, offset.value]);
    }
    const index = { data, first, pairs };
    this.objectStreams.set(entry.offset, index);
    return index;
  }
}

/** Throws NotAPdfError unless "%PDF-" occurs in the first 1024 bytes. */
export function sniffHeader(bytes: Uint8Array): number {
  if (bytes.length === 0) throw new NotAPdfError("empty file");
  const at = asBuffer(bytes).subarray(0, 1024).indexOf(HEADER);
  if (at < 0) throw new NotAPdfError();
  return at;
}
