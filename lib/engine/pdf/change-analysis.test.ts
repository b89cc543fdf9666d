import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CORPUS_DIR, corpusFiles, readCorpusFile } from "@/test/support/pdf-corpus";
import { tinyPdf } from "@/test/support/pdf-samples";
import { analyseChangesAfter } from "@/lib/engine/pdf/change-analysis";
import { writeIncrementalUpdate } from "@/lib/engine/pdf/incremental-writer";
import { PdfDict, PdfRef, PdfStream } from "@/lib/engine/pdf/objects";
import { findPage } from "@/lib/engine/pdf/page-tree";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { prepareSignature } from "@/lib/engine/pdf/prepare-signature";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";
import { listRevisions } from "@/lib/engine/pdf/revisions";

const TIME = new Date("2026-11-22T14:03:09Z");
const signed = (name: string) => readFileSync(path.join(CORPUS_DIR, "signed", name));
const corpus = (id: string) =>
  readCorpusFile(
    corpusFiles().find((f) => f.id === id) ?? {
      id,
      path: path.join(CORPUS_DIR, id),
      expected: "seal-ok",
      structure: "",
      notes: "",
    },
  );

describe("listRevisions", () => {
  it("finds one revision in a linearized file and two in an updated one", () => {
    const linearized = corpus("p10-qpdf-linearized.pdf");
    expect(listRevisions(linearized).map((r) => r.end)).toEqual([linearized.length]);
    const updated = corpus("more/p15-mutool-incremental.pdf");
    const revisions = listRevisions(updated);
    expect(revisions).toHaveLength(2);
    expect(revisions[1]?.end).toBe(updated.length);
  });

  it("ends each signature's coverage at a revision end (pyHanko, pdfsig)", () => {
    for (const pdf of [signed("s03-pyhanko-two-signatures.pdf"), corpus("more/p16-pdfsig-signed.pdf")]) {
      const ends = listRevisions(pdf).map((r) => r.end);
      for (const sig of readSignatures(pdf)) {
        const [, , c, d] = sig.byteRange as number[];
        expect(ends).toContain((c as number) + (d as number));
      }
    }
  });
});

describe("analyseChangesAfter", () => {
  it("accepts a later signature (pyHanko's second signature, with its metadata update)", () => {
    const pdf = signed("s03-pyhanko-two-signatures.pdf");
    const [first] = readSignatures(pdf);
    const [, , c, d] = first?.byteRange as number[];
    const result = analyseChangesAfter(pdf, (c as number) + (d as number));
    expect(result.offsetIsRevisionEnd).toBe(true);
    expect(result.revisions).toHaveLength(1);
    expect(result.onlySignatureUpdates).toBe(true);
    expect(result.revisions[0]?.changes.map((change) => change.category)).toEqual(
      expect.arrayContaining(["signature", "signature-field", "annotations", "acroform"]),
    );
  });

  it("flags bytes appended after %%EOF", () => {
    const pdf = signed("t02-tampered-appended-bytes.pdf");
    const [sig] = readSignatures(pdf);
    const [, , c, d] = sig?.byteRange as number[];
    const result = analyseChangesAfter(pdf, (c as number) + (d as number));
    expect(result.trailingBytes).toBeGreaterThan(0);
    expect(result.onlySignatureUpdates).toBe(false);
  });

  it("flags a later update that changes page content", async () => {
    const sealed = (await prepareSignature(tinyPdf(), { signingTime: TIME, contentsBytes: 64 })).bytes;
    const file = PdfFile.open(sealed);
    const page = findPage(file, 1);
    const contentRef = {
      ref: new PdfRef(file.nextObjectNumber, 0),
      value: new PdfStream(new PdfDict(), Buffer.from("0 0 m 100 100 l S")),
    };
    const newPage = page.dict.clone().set("Contents", contentRef.ref);
    const tampered = writeIncrementalUpdate(
      file,
      [contentRef, { ref: page.ref, value: newPage }],
      new Uint8Array(16),
    ).bytes;
    const result = analyseChangesAfter(tampered, sealed.length);
    expect(result.onlySignatureUpdates).toBe(false);
    expect(
      result.revisions[0]?.changes
        .filter((change) => !change.allowed)
        .map((change) => change.num)
        .sort(),
    ).toEqual([page.ref.num, contentRef.ref.num].sort());
  });

  it("reports nothing after the last revision", async () => {
    const sealed = (await prepareSignature(tinyPdf(), { signingTime: TIME, contentsBytes: 64 })).bytes;
    expect(analyseChangesAfter(sealed, sealed.length)).toEqual({
      revisions: [],
      offsetIsRevisionEnd: true,
      trailingBytes: 0,
      onlySignatureUpdates: true,
    });
  });
});
