import { describe, expect, it } from "vitest";
import { corpusFiles, readCorpusFile } from "@/test/support/pdf-corpus";
import { NotAPdfError, PdfDamagedError, PdfLimitExceededError } from "@/lib/engine/pdf/pdf-errors";
import { PdfDict, PdfStream } from "@/lib/engine/pdf/objects";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { tinyPdf } from "@/test/support/pdf-samples";

function corpus(id: string): Uint8Array {
  const file = corpusFiles().find((f) => f.id === id);
  if (!file) throw new Error(`no corpus file ${id}`);
  return readCorpusFile(file);
}

describe("PdfFile", () => {
  it("sniffs the header", () => {
    expect(() => PdfFile.open(new Uint8Array(0))).toThrow(NotAPdfError);
    expect(() => PdfFile.open(Buffer.concat([Buffer.alloc(1100, 0x20), tinyPdf()]))).toThrow(NotAPdfError);
    expect(() => PdfFile.open(Buffer.from("GIF89a not a pdf"))).toThrow(NotAPdfError);
    expect(new NotAPdfError()).toBeInstanceOf(PdfDamagedError);
    expect(new NotAPdfError().code).toBe("pdf.not_pdf");
  });

  it("reads a classic table", () => {
    const file = PdfFile.open(tinyPdf());
    expect(file.lastSectionKind).toBe("table");
    expect(file.catalog().dict.get("Pages")).toBeDefined();
    expect(file.nextObjectNumber).toBe(4);
  });

  it("survives a /Prev loop", () => {
    const file = PdfFile.open(tinyPdf("/Prev XREF"));
    expect(file.sections).toHaveLength(1);
  });

  it("limits the number of objects a cross-reference section may declare", () => {
    expect(() => PdfFile.open(tinyPdf("", { xrefSubsection: "0 3000000" }))).toThrow(PdfLimitExceededError);
  });

  it("reads cross-reference streams with PNG predictors and object streams (qpdf)", () => {
    const file = PdfFile.open(corpus("p09-qpdf-object-streams.pdf"));
    expect(file.lastSectionKind).toBe("stream");
    const xrefStream = file.readObjectAt(file.startxref);
    expect(xrefStream).toBeInstanceOf(PdfStream);
    expect(file.resolveDict((xrefStream as PdfStream).dict.get("DecodeParms"))?.get("Predictor")).toBe(12);
    const compressed = [...file.xref.entries()].find(([, entry]) => entry.type === 2);
    expect(compressed).toBeDefined();
    expect(file.getObject((compressed as [number, unknown])[0])).not.toBeNull();
  });

  it("reads objects only listed in a hybrid file's /XRefStm", () => {
    const file = PdfFile.open(corpus("p16-hybrid-xrefstm.pdf"));
    expect(file.lastSectionKind).toBe("table");
    expect(file.resolve(file.trailer.get("Info"))).toBeInstanceOf(PdfDict);
  });

  it("follows a linearized file from its first-page section to the main one", () => {
    const bytes = corpus("p10-qpdf-linearized.pdf");
    const file = PdfFile.open(bytes);
    expect(file.sections.map((s) => s.offset)).toEqual([216, 4710]);
    expect(file.catalog().dict.get("Type")).toBeDefined();
  });

  it("stops at the operation and decompression budgets", () => {
    const bytes = corpus("p17-doc-libtasn1-pdftex.pdf");
    expect(() => PdfFile.open(bytes, { maxOperations: 100 })).toThrow(PdfLimitExceededError);
    expect(() => PdfFile.open(bytes, { maxDecompressedBytes: 100 })).toThrow(PdfLimitExceededError);
    expect(() => PdfFile.open(bytes, { maxMilliseconds: -1 })).toThrow(PdfLimitExceededError);
  });

  it("refuses a wrong startxref and a missing /Root", () => {
    expect(() => PdfFile.open(corpus("more/p21-damaged-wrong-startxref.pdf"))).toThrow(PdfDamagedError);
    expect(() => PdfFile.open(corpus("more/p27-damaged-missing-root.pdf")).catalog()).toThrow(PdfDamagedError);
  });
});
