import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { PdfDict, PdfRef, PdfString, latin1 } from "@/lib/engine/pdf/objects";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { parseCertificate, parseCertificates } from "@/lib/engine/pki/certificate";
import { tinyPdf } from "@/test/support/pdf-samples";
import { qpdfCheck } from "@/test/support/pdf-tools";
import { createNssDb, pdfsig, type NssDb } from "@/test/support/pki-nss";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { sealPdf } from "@/lib/engine/seal/seal-pdf";

/** What ISO 32000-1 7.5.6 asks of an update's trailer: every entry of the previous one but /Prev. */
const TRAILER_EXTRA =
  "/Info << /Title (Direct information) /Author (Ada) /Nested << /Depth 2 >> >> /SignetCustom (kept) /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]";

/** A one-page PDF whose only cross-reference section is a (Flate-compressed) cross-reference stream carrying `extra`. */
function xrefStreamPdf(extra: string): Uint8Array {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
  ];
  let body = "%PDF-1.7\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = body.length;
  const rows = [
    Buffer.from([0, 0, 0, 0xff]),
    ...[...offsets, xrefAt].map((offset) => Buffer.from([1, (offset >> 8) & 0xff, offset & 0xff, 0])),
  ];
  const data = deflateSync(Buffer.concat(rows));
  const head = `4 0 obj\n<< /Type /XRef /Size 5 /W [1 2 1] /Filter /FlateDecode /Length ${data.length} /Root 1 0 R ${extra} >>\nstream\n`;
  return Buffer.concat([
    Buffer.from(body + head, "latin1"),
    data,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, "latin1"),
  ]);
}

let pki: TestPki;
let nss: NssDb;
let work: string;

beforeAll(async () => {
  pki = await getTestPki();
  nss = await createNssDb([{ name: "signet-test-root", pem: pki.root.certPem }]);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "signet-trailer-"));
}, 120_000);
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  if (nss !== undefined) fs.rmSync(nss.dir, { recursive: true, force: true });
});

async function seal(original: Uint8Array): Promise<Uint8Array> {
  const leaf = await pki.leaf("rsa2048");
  const result = await sealPdf(original, {
    backend: LocalKeyBackend.fromKeyFile(leaf.keyPem),
    certificate: parseCertificate(leaf.certDer),
    chain: parseCertificates(pki.chainPem),
  });
  return result.pdf;
}

function text(value: unknown): string | undefined {
  return value instanceof PdfString ? latin1(value.bytes) : undefined;
}

describe("the sealed file's trailer carries every entry of the original's (ISO 32000-1 7.5.6)", () => {
  const cases = [
    { label: "classic cross-reference table", original: () => tinyPdf(TRAILER_EXTRA) },
    { label: "cross-reference stream", original: () => xrefStreamPdf(TRAILER_EXTRA) },
  ];
  for (const { label, original: make } of cases) {
    it(`${label}: a direct /Info dictionary and a custom key survive the seal; qpdf and pdfsig accept the result`, async () => {
      const original = make();
      const sealed = await seal(original);
      const file = PdfFile.open(sealed);
      expect(file.sections.length).toBe(2);
      const last = file.sections[0]!.trailer;

      const info = last.get("Info");
      expect(info, "the direct /Info dictionary is kept").toBeInstanceOf(PdfDict);
      expect(text((info as PdfDict).get("Title"))).toBe("Direct information");
      expect(text((info as PdfDict).get("Author"))).toBe("Ada");
      expect(((info as PdfDict).get("Nested") as PdfDict).get("Depth")).toBe(2);
      expect(text(last.get("SignetCustom")), "a custom trailer key is kept").toBe("kept");
      expect(last.get("Root")).toEqual(new PdfRef(1, 0));
      expect(last.get("Prev")).toBe(file.sections[1]!.offset);
      const id = last.get("ID") as PdfString[];
      expect(Buffer.from(id[0]!.bytes).toString("hex"), "the first /ID part is the original's").toBe(
        "00112233445566778899aabbccddeeff",
      );
      // Keys of the original cross-reference stream that describe that stream itself are not copied as if they described the new one.
      // (Signet writes its cross-reference stream unfiltered.)
      for (const key of ["Filter", "DecodeParms", "XRefStm"]) expect(last.get(key), key).toBeUndefined();

      expect(qpdfCheck(sealed).problems, "qpdf --check").toEqual([]);
      expect(qpdfCheck(sealed).status).toBe(0);
      const pdfPath = path.join(work, `${label.replace(/\W+/g, "-")}.pdf`);
      fs.writeFileSync(pdfPath, sealed);
      const report = await pdfsig(nss, pdfPath);
      expect(report.output).toMatch(/Signature Validation: Signature is Valid\./);
      expect(report.output).toMatch(/Total document signed/);
    });
  }
});
