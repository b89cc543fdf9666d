import { afterAll, beforeAll, expect, it } from "vitest";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";
import { isSignetError } from "@/lib/engine/errors";
import { corpusFiles, readCorpusFile } from "@/test/support/pdf-corpus";
import { qpdfCheck } from "@/test/support/pdf-tools";
import { expectSealStructure, openSealStandard, qpdfBaseline, type SealStandard } from "@/test/support/seal-standard";
import { describeSlow, runSlowTests } from "@/test/support/slow-tests";
import { sealPdf, type SealResult } from "@/lib/engine/seal/seal-pdf";

let standard: SealStandard;
beforeAll(async () => {
  if (runSlowTests) standard = await openSealStandard();
}, 120_000);
afterAll(() => standard?.close());

/**
 * The two flate bombs (repair-or-reject: page content inflating to 1 GiB) are sealed here and only
 * here: once with the checks lib/engine/pdf/corpus.test.ts makes on every repair-or-reject file (a visible
 * seal then an invisible one, each with expectSealStructure and qpdf --check against the file before
 * it), and to the full standard of seal-pdf.test.ts. qpdf --check inflates the 1 GiB streams (about 15 s a
 * run, 3 GB of memory), so each distinct file is checked once: the original, the first seal, the second.
 */
describeSlow("the compression bombs", () => {
  const bombs = corpusFiles().filter((f) => /flate-bomb/.test(f.id));
  it("finds both bomb files in the corpus", () => {
    expect(bombs).toHaveLength(2);
  });

  for (const file of bombs) {
    it(`${file.id}: refused with a typed error, or sealed twice to the full standard, each seal checked`, async () => {
      const original = readCorpusFile(file);
      const result = await sealPdf(original, {
        ...standard.signer,
        placement: { page: 1, rect: { x: 36, y: 36, width: 200, height: 72 } },
        reason: "Sealed for the record",
      }).catch((e: unknown) => e);
      if (result instanceof Error) {
        expect(isSignetError(result), String(result)).toBe(true);
        return;
      }
      const first = result as SealResult;
      const firstCheck = expectSealStructure(original, first, qpdfCheck(original));
      const again = await sealPdf(first.pdf, { ...standard.checker });
      expectSealStructure(first.pdf, again, firstCheck);
      await standard.assertSealedToStandard(
        original,
        again.pdf,
        file.id,
        readSignatures(original).length + 2,
        qpdfBaseline(file, original),
      );
    }, 300_000);
  }
});
