import { describe, expect, it, vi } from "vitest";
import { ONE_PAGE_OBJECTS, classicPdf } from "@/test/support/pdf-samples";
import { writeIncrementalUpdate } from "@/lib/engine/pdf/incremental-writer";
import { PdfRef } from "@/lib/engine/pdf/objects";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { QUICK_SEARCH_HITS, listRevisions, revisionsOf } from "@/lib/engine/pdf/revisions";

/** A one-page file whose fourth object is a stream of `noise`, and the same file after one incremental update. */
function twoRevisions(noise: string): { original: Uint8Array; updated: Uint8Array } {
  const stream = `<< /Length ${noise.length} >>\nstream\n${noise}\nendstream`;
  const original = classicPdf([...ONE_PAGE_OBJECTS, stream]);
  const file = PdfFile.open(original);
  const updated = writeIncrementalUpdate(
    file,
    [{ ref: new PdfRef(file.nextObjectNumber, 0), value: 42 }],
    new Uint8Array(16),
  ).bytes;
  return { original, updated };
}

describe("listRevisions", () => {
  it("finds each revision's startxref in content full of xref, on both sides of the quick search's limit", () => {
    const counts = [0, 1, 10, QUICK_SEARCH_HITS - 3, QUICK_SEARCH_HITS - 2, QUICK_SEARCH_HITS - 1, QUICK_SEARCH_HITS];
    for (const count of [...counts, QUICK_SEARCH_HITS + 1, 3 * QUICK_SEARCH_HITS]) {
      // Near misses and a startxref that points at no section, which must not end a revision.
      const noise = `${"xref ".repeat(count)}startxre startxref 999999 %%EOF\nstartxref`;
      const { original, updated } = twoRevisions(noise);
      expect(
        listRevisions(updated).map((r) => r.end),
        `${count} xref`,
      ).toEqual([original.length, updated.length]);
    }
  });

  it("reads a file's revisions once: the second call charges nothing to the budget and returns a fresh list", () => {
    const { original, updated } = twoRevisions("xref ".repeat(100));
    const file = PdfFile.open(updated);
    const tick = vi.spyOn(file.budget, "tick");
    const first = revisionsOf(file);
    const ticks = tick.mock.calls.length;
    expect(ticks).toBeGreaterThan(0);
    first.pop();
    const second = revisionsOf(file);
    expect(tick.mock.calls.length).toBe(ticks);
    expect(second.map((r) => r.end)).toEqual([original.length, updated.length]);
  });
});
