import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { isSignetError } from "@/lib/engine/errors";
import { manyObjectsPdf } from "@/test/support/pdf-fixtures/many-objects-pdf";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import {
  isolationSettings,
  verificationPool,
  verifyIsolated,
  type IsolatedVerifyJob,
  type IsolationSettings,
} from "@/lib/public-verify/isolated-verify";
import { VerifyBusyError } from "@/lib/public-verify/public-verify-errors";
import { PUBLIC_VERIFY_LIMITS } from "@/lib/public-verify/verify-upload";

const twoSignatures = readFileSync(path.join(SIGNED_CORPUS_DIR, "s03-pyhanko-two-signatures.pdf"));
// Slow to read (hundreds of milliseconds) and hungry for heap: a stand-in for a hostile file.
const heavy = manyObjectsPdf(450_000);
const now = new Date("2026-06-01T12:00:00Z");
const job = (pdf: Uint8Array): IsolatedVerifyJob => ({
  pdf,
  trustAnchors: [],
  now: now.toISOString(),
  limits: PUBLIC_VERIFY_LIMITS,
});
const codeOf = (error: unknown) => (isSignetError(error) ? error.code : String(error));

const pools: { close(): Promise<void> }[] = [];
function pool(settings: Partial<IsolationSettings> = {}) {
  const created = verificationPool({ ...isolationSettings(1), maxQueue: 4, deadlineMs: 60_000, ...settings });
  pools.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe("verification in a worker thread", () => {
  it("gives the report lib/verify gives in process, and each signature's query for Signet's records", async () => {
    const isolated = await verifyIsolated(job(twoSignatures), pool());
    const inProcess = await verifyPdf(twoSignatures, { now, limits: PUBLIC_VERIFY_LIMITS });
    expect(isolated.report).toEqual(inProcess);
    expect(isolated.queries.map((q) => q.fieldName)).toEqual(inProcess.signatures.map((s) => s.fieldName));
    expect(isolated.queries[0]?.cmsSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("hands a PDF that owns its memory over to the worker uncopied, and copies a view into a larger buffer", async () => {
    const p = pool();
    const owned = new Uint8Array(twoSignatures);
    const handed = await verifyIsolated(job(owned), p, { handOverPdf: true });
    expect(handed.report.signatures).toHaveLength(2);
    expect(owned.byteLength).toBe(0); // detached: its memory moved to the worker
    const larger = new Uint8Array(twoSignatures.length + 16);
    larger.set(twoSignatures, 8);
    const view = larger.subarray(8, 8 + twoSignatures.length);
    expect((await verifyIsolated(job(view), p, { handOverPdf: true })).report.signatures).toHaveLength(2);
    expect(larger.byteLength).toBe(twoSignatures.length + 16);
  });

  it("returns lib/pdf's errors with their codes and messages", async () => {
    const error = await verifyIsolated(job(Buffer.from("%PDF-1.7\nnot really a PDF")), pool()).catch((e: unknown) => e);
    expect(codeOf(error)).toBe("pdf.damaged");
    expect((error as Error).message).toMatch(/damaged/);
  });

  it("ends a job that runs past its deadline as a file over a processing limit, and the next job gets a new worker", async () => {
    const p = pool();
    await verifyIsolated(job(twoSignatures), p); // a warm worker, so the deadline measures the work alone
    const slow = await p.run(job(heavy), { deadlineMs: 20 }).catch((e: unknown) => e);
    expect(codeOf(slow)).toBe("worker.deadline");
    // Answered to the recipient like any file over a processing limit.
    const mapped = await verifyIsolated(job(heavy), pool({ deadlineMs: 20 })).catch((e: unknown) => e);
    expect(codeOf(mapped)).toBe("pdf.limit");
    const after = await verifyIsolated(job(twoSignatures), p);
    expect(after.report.signatures).toHaveLength(2);
  });

  it("ends a worker whose heap outgrows its limit; the server process carries on", async () => {
    const p = pool({ maxHeapMb: 32 });
    // The same limit is enough for an ordinary file...
    expect((await verifyIsolated(job(twoSignatures), p)).report.signatures).toHaveLength(2);
    // ...but not for this one.
    const error = await verifyIsolated(job(heavy), p).catch((e: unknown) => e);
    expect(codeOf(error)).toBe("pdf.limit");
    expect((await verifyIsolated(job(twoSignatures), p)).report.signatures).toHaveLength(2);
  });

  it("keeps the event loop free while a worker reads a heavy file", async () => {
    const p = pool();
    await verifyIsolated(job(twoSignatures), p);
    const order: string[] = [];
    const verifying = verifyIsolated(job(heavy), p).then(() => order.push("verified"));
    await new Promise<void>((resolve) => setTimeout(() => resolve(), 1));
    order.push("timer");
    await verifying;
    expect(order).toEqual(["timer", "verified"]);
  });

  it("refuses a job when every worker is busy and the queue is full", async () => {
    const p = pool({ maxQueue: 1 });
    const running = verifyIsolated(job(heavy), p);
    const queued = verifyIsolated(job(twoSignatures), p);
    expect(p.stats()).toEqual({ running: 1, waiting: 1, workers: 1 });
    const refused = await verifyIsolated(job(twoSignatures), p).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(VerifyBusyError);
    expect((refused as VerifyBusyError).status).toBe(503);
    expect((await running).report.signatures).toHaveLength(0);
    expect((await queued).report.signatures).toHaveLength(2);
    expect(p.stats()).toEqual({ running: 0, waiting: 0, workers: 1 });
  });
});
