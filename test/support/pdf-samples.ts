/** The three objects of a one-page PDF: catalog, page tree, page. */
export const ONE_PAGE_OBJECTS = [
  "<< /Type /Catalog /Pages 2 0 R >>",
  "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
] as const;

/**
 * A classic-xref PDF of the given objects (object i + 1 is objects[i]) with correct offsets;
 * `trailerExtra` goes into the trailer, with XREF replaced by the cross-reference offset.
 */
export function classicPdf(
  objects: readonly string[],
  trailerExtra = "",
  options: { xrefSubsection?: string } = {},
): Uint8Array {
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = body.length;
  body += `xref\n${options.xrefSubsection ?? `0 ${objects.length + 1}`}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra.replace("XREF", String(xrefAt))} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

/** A minimal one-page classic-xref PDF with correct offsets; `trailerExtra` goes into the trailer. */
export function tinyPdf(trailerExtra = "", options: { xrefSubsection?: string } = {}): Uint8Array {
  return classicPdf(ONE_PAGE_OBJECTS, trailerExtra, options);
}
