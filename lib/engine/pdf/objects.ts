/**
 * The PDF object model used by the reader and the incremental writer.
 * Arrays are plain JavaScript arrays; `null` is the PDF null object.
 */
export type PdfObject =
  null | boolean | number | PdfName | PdfString | PdfRef | PdfObject[] | PdfDict | PdfStream | PdfPlaceholder;

export class PdfName {
  /** The decoded name (after #xx escapes), as latin1 characters, without the leading slash. */
  constructor(readonly value: string) {}
}

export class PdfString {
  /**
   * @param bytes the string's bytes after escapes (literal) or hex decoding
   * @param span where the string token sits in the buffer it was parsed from (only for objects read directly from the file)
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly span?: { start: number; end: number },
  ) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}

  get key(): string {
    return `${this.num} ${this.gen}`;
  }
}

export class PdfDict {
  readonly entries: Map<string, PdfObject>;

  constructor(entries?: Iterable<[string, PdfObject]>) {
    this.entries = new Map(entries);
  }

  get(key: string): PdfObject | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: PdfObject): this {
    this.entries.set(key, value);
    return this;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clone(): PdfDict {
    return new PdfDict(this.entries);
  }
}

export class PdfStream {
  /** @param data the stream's bytes as stored in the file (still encoded by its /Filter) */
  constructor(
    readonly dict: PdfDict,
    readonly data: Uint8Array,
  ) {}
}

/**
 * Only produced by the signature writer: bytes written verbatim whose position in the
 * output is reported back (the /ByteRange and /Contents placeholders).
 */
export class PdfPlaceholder {
  constructor(
    readonly id: string,
    readonly bytes: Uint8Array,
  ) {}
}

export function name(value: string): PdfName {
  return new PdfName(value);
}

export function isName(value: PdfObject | undefined, expected?: string): value is PdfName {
  return value instanceof PdfName && (expected === undefined || value.value === expected);
}

export function isDict(value: PdfObject | undefined): value is PdfDict {
  return value instanceof PdfDict;
}

export function isArray(value: PdfObject | undefined): value is PdfObject[] {
  return Array.isArray(value);
}

export function isNumber(value: PdfObject | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export function isInteger(value: PdfObject | undefined): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

/** The dictionary of a dictionary or of a stream, otherwise undefined. */
export function dictOf(value: PdfObject | undefined): PdfDict | undefined {
  if (value instanceof PdfDict) return value;
  if (value instanceof PdfStream) return value.dict;
  return undefined;
}

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
