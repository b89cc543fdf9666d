import {
  PdfDict,
  PdfName,
  PdfPlaceholder,
  PdfRef,
  PdfStream,
  PdfString,
  type PdfObject,
} from "@/lib/engine/pdf/objects";

/** Collects output bytes in chunks and remembers where placeholders were written. */
export class ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private pending = "";
  /** Offset of the next byte in the whole file (starts at `startOffset`). */
  length: number;
  readonly placeholders = new Map<string, number>();

  /** @param startOffset where the sink's first byte lands in the file (an update appended after `startOffset` original bytes). */
  constructor(startOffset = 0) {
    this.length = startOffset;
  }

  text(value: string): void {
    this.pending += value;
    this.length += value.length;
    if (this.pending.length > 8192) this.flushText();
  }

  bytes(value: Uint8Array): void {
    this.flushText();
    this.chunks.push(value);
    this.length += value.length;
  }

  placeholder(value: PdfPlaceholder): void {
    this.placeholders.set(value.id, this.length);
    this.bytes(value.bytes);
  }

  toBytes(): Uint8Array {
    this.flushText();
    return Buffer.concat(this.chunks);
  }

  private flushText(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Buffer.from(this.pending, "latin1"));
    this.pending = "";
  }
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "0";
  if (Number.isInteger(value)) return String(value);
  const fixed = value.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
  return fixed === "-0" ? "0" : fixed;
}

const NAME_PLAIN = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) NAME_PLAIN[c] = 1;
for (const c of "()<>[]{}/%#") NAME_PLAIN[c.charCodeAt(0)] = 0;

export function formatName(value: string): string {
  let out = "/";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i) & 0xff;
    out += NAME_PLAIN[c] === 1 ? value[i] : `#${c.toString(16).padStart(2, "0")}`;
  }
  return out;
}

export function formatString(bytes: Uint8Array): string {
  let printable = true;
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e) {
      printable = false;
      break;
    }
  }
  if (!printable) return `<${Buffer.from(bytes).toString("hex")}>`;
  let out = "(";
  for (const b of bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out += "\\";
    out += String.fromCharCode(b);
  }
  return `${out})`;
}

export function writeObject(sink: ByteSink, value: PdfObject): void {
  if (value === null) sink.text("null");
  else if (typeof value === "boolean") sink.text(value ? "true" : "false");
  else if (typeof value === "number") sink.text(formatNumber(value));
  else if (value instanceof PdfName) sink.text(formatName(value.value));
  else if (value instanceof PdfString) sink.text(formatString(value.bytes));
  else if (value instanceof PdfRef) sink.text(`${value.num} ${value.gen} R`);
  else if (value instanceof PdfPlaceholder) sink.placeholder(value);
  else if (Array.isArray(value)) {
    sink.text("[");
    value.forEach((item, i) => {
      if (i > 0) sink.text(" ");
      writeObject(sink, item);
    });
    sink.text("]");
  } else if (value instanceof PdfDict) {
    sink.text("<<");
    for (const [key, item] of value.entries) {
      sink.text(formatName(key));
      sink.text(" ");
      writeObject(sink, item);
      sink.text("\n");
    }
    sink.text(">>");
  } else if (value instanceof PdfStream) {
    const dict = value.dict.clone().set("Length", value.data.length);
    writeObject(sink, dict);
    sink.text("\nstream\n");
    sink.bytes(value.data);
    sink.text("\nendstream");
  }
}

/** Serialises one object to bytes (used by tests and for small objects). */
export function objectToBytes(value: PdfObject): Uint8Array {
  const sink = new ByteSink();
  writeObject(sink, value);
  return sink.toBytes();
}
