/**
 * Test fixture: a valid one-page PDF of `count` objects, all but the first three packed into
 * Flate-compressed object streams and listed by a compressed cross-reference stream, as
 * modern producers write them: a million objects take a few MB.
 */
import { deflateSync } from "node:zlib";

const PER_STREAM = 10_000;

export function compressedObjectsPdf(count: number): Uint8Array {
  const parts: Buffer[] = [];
  let length = 0;
  const push = (chunk: Buffer) => {
    parts.push(chunk);
    length += chunk.length;
  };
  // Rows of the cross-reference stream, W [1 4 2]: object 0 free, then one per object.
  const rows = Buffer.alloc((count + 1 + Math.ceil(count / PER_STREAM) + 1) * 7);
  const row = (num: number, type: number, f2: number, f3: number) => {
    const at = num * 7;
    rows[at] = type;
    rows.writeUInt32BE(f2, at + 1);
    rows.writeUInt16BE(f3, at + 5);
  };
  row(0, 0, 0, 0xffff);
  const topLevel = (num: number, head: string, data?: Buffer) => {
    row(num, 1, length, 0);
    push(Buffer.from(`${num} 0 obj\n${head}`, "latin1"));
    if (data !== undefined)
      push(Buffer.concat([Buffer.from("\nstream\n", "latin1"), data, Buffer.from("\nendstream", "latin1")]));
    push(Buffer.from("\nendobj\n", "latin1"));
  };
  push(Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1"));
  topLevel(1, "<< /Type /Catalog /Pages 2 0 R >>");
  topLevel(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  topLevel(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
  // Object streams take the numbers after the last packed object.
  let streamNumber = count + 1;
  for (let first = 4; first <= count; first += PER_STREAM, streamNumber++) {
    const last = Math.min(count, first + PER_STREAM - 1);
    let header = "";
    let body = "";
    for (let num = first; num <= last; num++) {
      header += `${num} ${body.length} `;
      body += "<< >> ";
      row(num, 2, streamNumber, num - first);
    }
    const data = deflateSync(Buffer.from(header + body, "latin1"));
    topLevel(
      streamNumber,
      `<< /Type /ObjStm /N ${last - first + 1} /First ${header.length} /Filter /FlateDecode /Length ${data.length} >>`,
      data,
    );
  }
  const xrefNumber = streamNumber;
  const size = xrefNumber + 1;
  const xrefAt = length;
  row(xrefNumber, 1, xrefAt, 0);
  const xref = deflateSync(rows.subarray(0, size * 7));
  topLevel(
    xrefNumber,
    `<< /Type /XRef /Size ${size} /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length ${xref.length} >>`,
    xref,
  );
  push(Buffer.from(`startxref\n${xrefAt}\n%%EOF\n`, "latin1"));
  return Buffer.concat(parts);
}
