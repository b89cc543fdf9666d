import { createHash } from "node:crypto";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { corpusFiles, readCorpusFile } from "@/test/support/pdf-corpus";
import { classicPdf, ONE_PAGE_OBJECTS, tinyPdf } from "@/test/support/pdf-samples";
import { PrefixDigest, digestByteRange, digestByteRangeOfParts } from "@/lib/engine/pdf/byte-range-digest";
import { embedSignature } from "@/lib/engine/pdf/embed-signature";
import { PdfUnsoundStructureError, PlaceholderTooSmallError, SignatureRequestError } from "@/lib/engine/pdf/pdf-errors";
import { listFormFields } from "@/lib/engine/pdf/form-fields";
import { PdfName, PdfRef, PdfString } from "@/lib/engine/pdf/objects";
import { findPage } from "@/lib/engine/pdf/page-tree";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { prepareSignature } from "@/lib/engine/pdf/prepare-signature";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";

const TIME = new Date("2026-11-22T14:03:09Z");

function corpus(id: string): Uint8Array {
  const file = corpusFiles().find((f) => f.id === id);
  if (!file) throw new Error(`no corpus file ${id}`);
  return readCorpusFile(file);
}

async function formWith(names: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([300, 300]);
  const form = doc.getForm();
  for (const n of names) form.createTextField(n);
  return doc.save({ useObjectStreams: false });
}

describe("prepareSignature", () => {
  it("writes the signature dictionary: ByteRange before Contents, /M in UTC, escaped text strings", async () => {
    const original = tinyPdf();
    const prepared = await prepareSignature(original, {
      signingTime: TIME,
      contentsBytes: 100,
      reason: "Approved (final)",
      location: "Zürich",
      name: "Jane",
      contactInfo: "jane@example.com",
    });
    const tail = Buffer.from(prepared.bytes.subarray(original.length)).toString("latin1");
    expect(tail.indexOf("/ByteRange")).toBeLessThan(tail.indexOf("/Contents"));
    expect(tail).toContain("/Filter /Adobe.PPKLite");
    expect(tail).toContain("/SubFilter /ETSI.CAdES.detached");
    expect(tail).toContain("/M (D:20261122140309+00'00')");
    expect(tail).toContain("/Reason (Approved \\(final\\))");
    expect(tail).toContain(`/Contents <${"0".repeat(200)}>`);
    expect(tail).toMatch(
      new RegExp(`/ByteRange \\[0 ${prepared.byteRange[1]} ${prepared.byteRange[2]} ${prepared.byteRange[3]}\\] *\\n`),
    );
    const [sig] = readSignatures(prepared.bytes);
    expect(sig?.location).toBe("Zürich");
    expect(sig?.contactInfo).toBe("jane@example.com");
    expect(sig?.signingTime?.toISOString()).toBe(TIME.toISOString());
    expect(sig?.contents).toHaveLength(100);
  });

  it("makes an invisible signature a zero-size, printed, locked widget on page 1", async () => {
    const prepared = await prepareSignature(tinyPdf(), { signingTime: TIME, contentsBytes: 100 });
    const file = PdfFile.open(prepared.bytes);
    const [field] = listFormFields(file);
    expect(field?.fullName).toBe("Signet-Seal-1");
    expect(field?.dict.get("Rect")).toEqual([0, 0, 0, 0]);
    expect(field?.dict.get("F")).toBe(132);
    expect(field?.dict.get("FT")).toEqual(new PdfName("Sig"));
    expect(field?.dict.has("AP")).toBe(false);
    const page = findPage(file, 1);
    expect(field?.dict.get("P")).toEqual(page.ref);
    expect(page.dict.get("Annots")).toEqual([field?.ref]);
    expect(file.resolveDict(file.catalog().dict.get("AcroForm"))?.get("SigFlags")).toBe(3);
  });

  it("chooses a name no field uses, fully qualified or partial", async () => {
    const pdf = await formWith(["Signet-Seal-1", "outer.Signet-Seal-2", "x.y"]);
    expect((await prepareSignature(pdf, { signingTime: TIME, contentsBytes: 10 })).fieldName).toBe("Signet-Seal-3");
    await expect(prepareSignature(pdf, { signingTime: TIME, contentsBytes: 10, fieldName: "x" })).rejects.toMatchObject(
      { code: "pdf.field_exists" },
    );
    await expect(
      prepareSignature(pdf, { signingTime: TIME, contentsBytes: 10, fieldName: "a.b" }),
    ).rejects.toMatchObject({ code: "pdf.bad_field_name" });
    expect(
      (await prepareSignature(pdf, { signingTime: TIME, contentsBytes: 10, fieldName: "Approval" })).fieldName,
    ).toBe("Approval");
  });

  it("refuses impossible requests with typed errors", async () => {
    await expect(prepareSignature(tinyPdf(), { signingTime: TIME, contentsBytes: 0 })).rejects.toBeInstanceOf(
      SignatureRequestError,
    );
    await expect(
      prepareSignature(tinyPdf(), { signingTime: new Date(Number.NaN), contentsBytes: 10 }),
    ).rejects.toBeInstanceOf(SignatureRequestError);
    const stamp = { signerName: "J", sealedAt: TIME, fingerprint: "AB" };
    await expect(
      prepareSignature(tinyPdf(), {
        signingTime: TIME,
        contentsBytes: 10,
        appearance: { page: 2, rect: { x: 0, y: 0, width: 10, height: 10 }, stamp },
      }),
    ).rejects.toMatchObject({ code: "pdf.bad_page" });
    await expect(
      prepareSignature(tinyPdf(), {
        signingTime: TIME,
        contentsBytes: 10,
        appearance: {
          page: 1,
          rect: { x: 0, y: 0, width: 10, height: 10 },
          stamp: { ...stamp, image: { bytes: new Uint8Array([1, 2, 3]), type: "png" } },
        },
      }),
    ).rejects.toMatchObject({ code: "pdf.bad_image" });
  });

  it("extends an indirect /Annots array in place (pdfsig's layout)", async () => {
    const original = corpus("more/p16-pdfsig-signed.pdf");
    const before = PdfFile.open(original);
    const annotsRef = findPage(before, 1).dict.get("Annots");
    expect(annotsRef).toBeInstanceOf(PdfRef);
    const prepared = await prepareSignature(original, { signingTime: TIME, contentsBytes: 10 });
    const after = PdfFile.open(prepared.bytes);
    expect(findPage(after, 1).dict.get("Annots")).toEqual(annotsRef);
    const annots = after.resolve(annotsRef) as PdfRef[];
    expect(annots).toHaveLength((before.resolve(annotsRef) as PdfRef[]).length + 1);
  });

  it("writes a cross-reference stream after a stream, a table after a table or a hybrid; keeps the first /ID", async () => {
    for (const [id, kind] of [
      ["p09-qpdf-object-streams.pdf", "stream"],
      ["p01-gs10-pdfwrite-pdf14.pdf", "table"],
      ["p16-hybrid-xrefstm.pdf", "table"],
    ] as const) {
      const original = corpus(id);
      const before = PdfFile.open(original);
      const prepared = await prepareSignature(original, { signingTime: TIME, contentsBytes: 10 });
      const after = PdfFile.open(prepared.bytes);
      expect(after.lastSectionKind, id).toBe(kind);
      expect(after.sections[0]?.trailer.get("Prev")).toBe(before.startxref);
      expect(after.sections[0]?.trailer.get("Size")).toBe(after.nextObjectNumber);
      const oldId = before.resolve(before.trailer.get("ID")) as PdfString[] | undefined;
      const newId = after.resolve(after.trailer.get("ID")) as PdfString[];
      if (oldId) expect(Buffer.compare(newId[0]?.bytes as Uint8Array, oldId[0]?.bytes as Uint8Array)).toBe(0);
      expect(newId[1]?.bytes).toHaveLength(16);
      expect(after.resolve(after.trailer.get("Info"))).toEqual(before.resolve(before.trailer.get("Info")));
    }
  });
});

describe("embedSignature and digestByteRange", () => {
  it("writes the DER as hex in place and never resizes", async () => {
    const input = tinyPdf();
    const pristine = Buffer.from(input);
    const prepared = await prepareSignature(input, { signingTime: TIME, contentsBytes: 8 });
    const update = prepared.update;
    const length = prepared.bytes.length;
    const out = embedSignature(prepared, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x2a]));
    expect(prepared.original).toBe(input);
    expect(Buffer.from(input).equals(pristine)).toBe(true);
    expect(prepared.update).toBe(update);
    expect(prepared.original.length + prepared.update.length).toBe(length);
    expect(out.length).toBe(length);
    expect(Buffer.from(out.subarray(prepared.contentsOffset, prepared.contentsOffset + 18)).toString("latin1")).toBe(
      "<30030201" + "2a" + "000000>",
    );
    expect(readSignatures(out)[0]?.contents).toEqual(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x2a, 0, 0, 0]));
    expect(() => embedSignature(prepared, new Uint8Array(9))).toThrow(PlaceholderTooSmallError);
    expect(out.length).toBe(length);
  });

  it("hashes exactly the two covered ranges", async () => {
    const prepared = await prepareSignature(tinyPdf(), { signingTime: TIME, contentsBytes: 8 });
    const [, b, c, d] = prepared.byteRange;
    const covered = Buffer.concat([prepared.bytes.subarray(0, b), prepared.bytes.subarray(c, c + d)]);
    for (const algorithm of ["sha256", "sha384", "sha512"] as const) {
      expect(Buffer.from(digestByteRange(prepared.bytes, prepared.byteRange, algorithm)).toString("hex")).toBe(
        createHash(algorithm).update(covered).digest("hex"),
      );
    }
    expect(() => digestByteRange(prepared.bytes, [0, b, c, d + 1])).toThrow(RangeError);
    // Over the original and the update held apart, without joining them: the same digests.
    for (const algorithm of ["sha256", "sha384", "sha512"] as const) {
      expect(
        Buffer.from(
          digestByteRangeOfParts([prepared.original, prepared.update], prepared.byteRange, algorithm),
        ).toString("hex"),
      ).toBe(createHash(algorithm).update(covered).digest("hex"));
    }
    expect(() => digestByteRangeOfParts([prepared.original, prepared.update], [0, b, c, d + 1])).toThrow(RangeError);
  });

  it("goes on from a digest of the original taken while it was read, as often as asked", async () => {
    const prepared = await prepareSignature(tinyPdf(), { signingTime: TIME, contentsBytes: 8 });
    const parts = [prepared.original, prepared.update];
    const [, b, c, d] = prepared.byteRange;
    for (const algorithm of ["sha256", "sha384", "sha512"] as const) {
      const prefix = new PrefixDigest(algorithm);
      // Fed in uneven chunks, as a reader gets them.
      for (let at = 0; at < prepared.original.length; at += 100)
        prefix.update(prepared.original.subarray(at, at + 100));
      expect(prefix.length).toBe(prepared.original.length);
      const plain = Buffer.from(digestByteRangeOfParts(parts, prepared.byteRange, algorithm)).toString("hex");
      expect(Buffer.from(digestByteRangeOfParts(parts, prepared.byteRange, algorithm, prefix)).toString("hex")).toBe(
        plain,
      );
      // The prefix is not used up: a second digest (a seal redone with a larger reservation) gets the same.
      expect(Buffer.from(digestByteRangeOfParts(parts, prepared.byteRange, algorithm, prefix)).toString("hex")).toBe(
        plain,
      );
    }
    const prefix = new PrefixDigest("sha256");
    prefix.update(prepared.original);
    expect(() => digestByteRangeOfParts(parts, prepared.byteRange, "sha384", prefix)).toThrow(RangeError);
    expect(() => digestByteRangeOfParts(parts, [1, b - 1, c, d], "sha256", prefix)).toThrow(RangeError);
    expect(() => digestByteRangeOfParts(parts, [0, prepared.original.length - 1, c, d], "sha256", prefix)).toThrow(
      RangeError,
    );
  });
});

describe("prepareSignature refuses what validators cannot read, naming the problem", () => {
  /** tinyPdf's three objects with the page tree node and a fourth object replaced. */
  function withObjects(pages: string, extra?: string): Uint8Array {
    const [catalog, , page] = ONE_PAGE_OBJECTS;
    return classicPdf(
      [catalog, pages, page, ...(extra === undefined ? [] : [extra])],
      extra === undefined ? "" : "/Info 4 0 R",
    );
  }
  const cases = [
    {
      label: "a page tree listing itself",
      pdf: withObjects("<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 1 >>"),
      problem: /page tree is circular/,
    },
    {
      label: "a page listed twice",
      pdf: withObjects("<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>"),
      problem: /lists the same page/,
    },
    {
      label: "a /Count that does not match the pages",
      pdf: withObjects("<< /Type /Pages /Kids [3 0 R] /Count 2 >>"),
      problem: /page counts \(\/Count\) do not match/,
    },
    {
      label: "an /Info 65 levels deep",
      pdf: withObjects("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", `${"<< /A ".repeat(65)}1${" >>".repeat(65)}`),
      problem: /more than 64 levels deep/,
    },
  ];
  it.each(cases)("$label", async ({ pdf, problem }) => {
    const error = await prepareSignature(pdf, { signingTime: TIME, contentsBytes: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfUnsoundStructureError);
    expect((error as PdfUnsoundStructureError).code).toBe("pdf.damaged");
    expect((error as PdfUnsoundStructureError).message).toMatch(problem);
  });

  it("still seals an /Info 64 levels deep", async () => {
    const pdf = withObjects("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", `${"<< /A ".repeat(64)}1${" >>".repeat(64)}`);
    await expect(prepareSignature(pdf, { signingTime: TIME, contentsBytes: 100 })).resolves.toMatchObject({
      fieldName: "Signet-Seal-1",
    });
  });
});
