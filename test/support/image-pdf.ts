import { randomBytes } from "node:crypto";
import { PDFDocument, PDFName, StandardFonts } from "pdf-lib";

/**
 * A PDF of `pages` A4 pages, each with a line of text and, when `imageBytes` > 0, an uncompressed
 * random RGB image of about that many bytes: large files that compress to nothing, for the
 * benchmarks and the large-file tests.
 */
export async function imagePdf(options: { pages: number; imageBytes: number; title: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < options.pages; i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`${options.title}, page ${i + 1}`, { x: 50, y: 800, size: 14, font });
    if (options.imageBytes > 0) {
      const side = Math.floor(Math.sqrt(options.imageBytes / 3));
      const image = doc.context.stream(randomBytes(side * side * 3), {
        Type: "XObject",
        Subtype: "Image",
        Width: side,
        Height: side,
        ColorSpace: "DeviceRGB",
        BitsPerComponent: 8,
      });
      page.node.setXObject(PDFName.of("Im0"), doc.context.register(image));
      page.node.addContentStream(doc.context.register(doc.context.stream("q 495 0 0 495 50 250 cm /Im0 Do Q")));
    }
  }
  return doc.save({ useObjectStreams: true });
}
