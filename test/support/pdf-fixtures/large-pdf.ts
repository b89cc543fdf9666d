/** Test fixture: a one-page classic-xref PDF carrying an uncompressed stream of `megabytes` MB (a big file to time). */
import { randomFillSync } from "node:crypto";

export function largePdf(megabytes: number): Uint8Array {
  const payload = Buffer.alloc(megabytes * 1024 * 1024);
  randomFillSync(payload);
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (chunk: Buffer) => {
    parts.push(chunk);
    length += chunk.length;
  };
  const object = (body: string | Buffer[]) => {
    offsets.push(length);
    if (typeof body === "string") push(Buffer.from(`${offsets.length} 0 obj\n${body}\nendobj\n`, "latin1"));
    else for (const chunk of body) push(chunk);
  };
  push(Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1"));
  object("<< /Type /Catalog /Pages 2 0 R >>");
  object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Blob 4 0 R >> >> >>");
  object([
    Buffer.from(
      `4 0 obj\n<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${payload.length} >>\nstream\n`,
      "latin1",
    ),
    payload,
    Buffer.from("\nendstream\nendobj\n", "latin1"),
  ]);
  const xrefAt = length;
  let xref = `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) xref += `${String(offset).padStart(10, "0")} 00000 n \n`;
  push(
    Buffer.from(
      `${xref}trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`,
      "latin1",
    ),
  );
  return Buffer.concat(parts);
}
