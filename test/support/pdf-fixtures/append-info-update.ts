/**
 * Test fixture: appends a small hand-written incremental update that replaces
 * the document information dictionary (/Info) of a classic-xref PDF: the object,
 * an xref table with its exact offset, a trailer with /Prev, startxref, %%EOF.
 * Nobody signs it: a verifier must report the document as modified.
 */
export function appendInfoUpdate(
  pdf: Uint8Array,
  info = "<< /Producer (Edited after sealing) /Title (Not what was sealed) >>",
): Uint8Array {
  const text = Buffer.from(pdf).toString("latin1");
  const tail = text.slice(-4096);
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail)?.[1];
  const trailer = tail.slice(tail.lastIndexOf("trailer"));
  const size = /\/Size\s+(\d+)/.exec(trailer)?.[1];
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(trailer)?.[1];
  const infoNum = /\/Info\s+(\d+)\s+\d+\s+R/.exec(trailer)?.[1];
  if (!startxref || !size || !root || !infoNum)
    throw new Error("appendInfoUpdate needs a classic trailer with /Size, /Root and /Info");
  let update = text.endsWith("\n") ? "" : "\n";
  const objectAt = pdf.length + update.length;
  update += `${infoNum} 0 obj\n${info}\nendobj\n`;
  const xrefAt = pdf.length + update.length;
  update += `xref\n0 1\n0000000000 65535 f \n${infoNum} 1\n${String(objectAt).padStart(10, "0")} 00000 n \n`;
  update += `trailer\n<< /Size ${size} /Root ${root} /Info ${infoNum} 0 R /Prev ${startxref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([Buffer.from(pdf), Buffer.from(update, "latin1")]);
}
