/**
 * What a recipient might receive instead of the sealed file: a copy with one byte changed
 * inside the signed range, or with an unsigned incremental update appended (a new /Info,
 * as an editor that "only changed the title" would write).
 */
export function withOneByteChanged(pdf: Buffer): Buffer {
  const copy = Buffer.from(pdf);
  // Early in the file: inside the first signed range of any signature.
  const at = 200;
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

export function withUnsignedUpdate(pdf: Buffer): Buffer {
  const text = pdf.toString("latin1");
  const tail = text.slice(-8192);
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail)?.[1];
  const sizes = [...tail.matchAll(/\/Size\s+(\d+)/g)];
  const roots = [...tail.matchAll(/\/Root\s+(\d+\s+\d+\s+R)/g)];
  const size = Number(sizes.at(-1)?.[1]);
  const root = roots.at(-1)?.[1];
  if (startxref === undefined || !Number.isInteger(size) || root === undefined)
    throw new Error("withUnsignedUpdate: no trailer with /Size and /Root near the end of the file");
  let update = text.endsWith("\n") ? "" : "\n";
  const objectAt = pdf.length + update.length;
  update += `${size} 0 obj\n<< /Title (Edited after sealing) /Producer (Some editor) >>\nendobj\n`;
  const xrefAt = pdf.length + update.length;
  update += `xref\n0 1\n0000000000 65535 f \n${size} 1\n${String(objectAt).padStart(10, "0")} 00000 n \n`;
  update += `trailer\n<< /Size ${size + 1} /Root ${root} /Info ${size} 0 R /Prev ${startxref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, "latin1")]);
}
