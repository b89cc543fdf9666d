import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { PdfDamagedError } from "@/lib/engine/pdf/pdf-errors";
import { parseCertificate } from "@/lib/engine/pki/certificate";
import { sealPdf, type SealPdfRequest } from "@/lib/engine/seal/seal-pdf";
import { classicPdf } from "@/test/support/pdf-samples";
import { qpdfCheck } from "@/test/support/pdf-tools";
import { getTestPki } from "@/test/support/pki-fixtures";
import { inspectPdf } from "@/lib/documents/inspect-pdf";
import { inspectionPool, inspectIsolated } from "@/lib/documents/isolated-inspection";

const CATALOG = "<< /Type /Catalog /Pages 2 0 R >>";
const PAGE = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>";
const NESTED_INFO = `${"<< /A ".repeat(100_000)}(deep)${" >>".repeat(100_000)}`;

/**
 * Files that independent validators cannot read, which Signet used to seal: each one's first
 * page is found by walking down the page tree, and the information dictionary was never parsed.
 */
const UNSOUND = [
  {
    label: "a page tree that lists itself in /Kids",
    pdf: () => classicPdf([CATALOG, "<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 1 >>", PAGE]),
    qpdf: /Loop detected in \/Pages structure/,
    message: /page tree is circular/,
  },
  {
    label: "a page tree that lists the same page twice",
    pdf: () => classicPdf([CATALOG, "<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>", PAGE]),
    qpdf: /appears more than once in the pages tree/,
    message: /page tree lists the same page/,
  },
  {
    label: "an /Info dictionary holding 100,000 nested dictionaries",
    pdf: () => classicPdf([CATALOG, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE, NESTED_INFO], "/Info 4 0 R"),
    qpdf: /excessively deeply nested/,
    message: /nests arrays or dictionaries more than 64 levels deep/,
  },
  {
    label: "100,000 nested arrays in an object reached only from the catalog",
    pdf: () =>
      classicPdf([
        "<< /Type /Catalog /Pages 2 0 R /Names 4 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE,
        `<< /Dests ${"[".repeat(100_000)}${"]".repeat(100_000)} >>`,
      ]),
    qpdf: /excessively deeply nested/,
    message: /nests arrays or dictionaries more than 64 levels deep/,
  },
];

let signer: Pick<SealPdfRequest, "backend" | "certificate">;
const pool = inspectionPool({ workers: 1 });
beforeAll(async () => {
  const leaf = await (await getTestPki()).leaf("rsa2048");
  signer = { backend: LocalKeyBackend.fromKeyFile(leaf.keyPem), certificate: parseCertificate(leaf.certDer) };
}, 120_000);
afterAll(() => pool.close());

describe("files independent validators cannot read are refused as damaged, naming the problem", () => {
  for (const { label, pdf, qpdf, message } of UNSOUND) {
    it(`${label}: qpdf complains; upload inspection (in its worker) and sealing refuse it`, async () => {
      const bytes = pdf();
      // The independent witness.
      expect(qpdfCheck(bytes).problems.join("\n")).toMatch(qpdf);

      const verdict = await inspectIsolated(new Uint8Array(bytes), pool);
      expect(verdict).toMatchObject({ ok: false, reason: "damaged" });
      expect(verdict.ok ? "" : verdict.message).toMatch(message);
      expect(inspectPdf(bytes)).toEqual(verdict);

      const started = Date.now();
      const error = await sealPdf(bytes, signer).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PdfDamagedError);
      expect((error as PdfDamagedError).code).toBe("pdf.damaged");
      expect((error as PdfDamagedError).message).toMatch(message);
      expect(Date.now() - started, "refused within the limits, quickly").toBeLessThan(5_000);
    });
  }
});
