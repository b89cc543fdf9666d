import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { corpusFiles } from "@/test/support/pdf-corpus";
import { manyObjectsPdf } from "@/test/support/pdf-fixtures/many-objects-pdf";
import { inspectPdf } from "@/lib/documents/inspect-pdf";
import { inspectionPool, inspectIsolated, type InspectionPool } from "@/lib/documents/isolated-inspection";

const pools: InspectionPool[] = [];
function pool(settings: Parameters<typeof inspectionPool>[0] = { workers: 1 }): InspectionPool {
  const created = inspectionPool(settings);
  pools.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

// Accepted in process (one page), but slow and heap-hungry to read.
const heavy = manyObjectsPdf(450_000);

describe("upload verdicts in a worker thread", () => {
  it("are the verdicts inspectPdf gives in process, for every file of the corpus", async () => {
    const p = pool();
    for (const file of corpusFiles()) {
      const bytes = readFileSync(file.path);
      const expected = inspectPdf(bytes);
      expect(await inspectIsolated(new Uint8Array(bytes), p), file.id).toEqual(expected);
    }
  });

  it("refuse as damaged a file whose reading runs past the deadline or outgrows the heap; the next file is inspected as usual", async () => {
    expect(inspectPdf(heavy)).toMatchObject({ ok: true, pageCount: 1 });
    const late = await inspectIsolated(new Uint8Array(heavy), pool({ workers: 1, deadlineMs: 20 }));
    expect(late).toMatchObject({ ok: false, reason: "damaged", detail: "limit: wall time" });

    const small = pool({ workers: 1, maxHeapMb: 32 });
    const ordinary = readFileSync(corpusFiles()[0]!.path);
    expect(await inspectIsolated(new Uint8Array(ordinary), small)).toEqual(inspectPdf(ordinary));
    expect(await inspectIsolated(new Uint8Array(heavy), small)).toMatchObject({
      ok: false,
      reason: "damaged",
      detail: "limit: memory",
    });
    expect(await inspectIsolated(new Uint8Array(ordinary), small)).toEqual(inspectPdf(ordinary));
  });
});
