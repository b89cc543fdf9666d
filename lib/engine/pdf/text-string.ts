import { PdfString } from "@/lib/engine/pdf/objects";

/** A PDF text string: printable ASCII as is, anything else as UTF-16BE with a byte order mark. */
export function pdfTextString(text: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(Buffer.from(text, "latin1"));
  const utf16 = Buffer.from(text, "utf16le");
  for (let i = 0; i + 1 < utf16.length; i += 2) {
    const a = utf16[i] as number;
    utf16[i] = utf16[i + 1] as number;
    utf16[i + 1] = a;
  }
  return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16]));
}

/** Decodes a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding read as Latin-1). */
export function decodePdfText(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    for (let i = 0; i + 1 < swapped.length; i += 2) {
      const a = swapped[i] as number;
      swapped[i] = swapped[i + 1] as number;
      swapped[i + 1] = a;
    }
    return swapped.toString("utf16le");
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return Buffer.from(bytes.subarray(3)).toString("utf8");
  return Buffer.from(bytes).toString("latin1");
}

/** D:YYYYMMDDHHmmSS+00'00' in UTC. */
export function formatPdfDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("invalid date");
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `D:${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}+00'00'`;
}

/** Parses a PDF date string (D:YYYYMMDDHHmmSSOHH'mm', most parts optional); undefined if it is not one. */
export function parsePdfDate(text: string): Date | undefined {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?$/.exec(text.trim());
  if (m === null) return undefined;
  const n = (s: string | undefined, d: number) => (s === undefined ? d : Number(s));
  let t = Date.UTC(n(m[1], 0), n(m[2], 1) - 1, n(m[3], 1), n(m[4], 0), n(m[5], 0), n(m[6], 0));
  const sign = m[7];
  if (sign === "+" || sign === "-") {
    const offset = (n(m[8], 0) * 60 + n(m[9], 0)) * 60_000;
    t += sign === "+" ? -offset : offset;
  }
  return Number.isNaN(t) ? undefined : new Date(t);
}
