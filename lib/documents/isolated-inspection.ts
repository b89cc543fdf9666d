import { defaultWorkerCount } from "@/lib/config/settings";
import { transferableBuffer, WorkerJobFailedError, WorkerPool } from "@/lib/runtime/worker-pool";
import { tooComplex, type PdfInspection } from "@/lib/documents/inspect-pdf";

export type InspectionPool = WorkerPool<{ pdf: Uint8Array }, PdfInspection>;

/**
 * Upload verdicts have a pool of their own, so a flood of public verifications cannot hold up
 * signers' uploads. lib/pdf stops itself at PDF_LIMITS.maxMilliseconds (10 s); the worker is
 * ended at 20 s or a 1 GiB heap: what the verification worker allows (lib/public-verify/
 * isolated-verify), so the seal path is never more lenient than the verifier (invariant 19).
 */
export function inspectionPool(
  settings: { workers: number; deadlineMs?: number; maxHeapMb?: number } = { workers: defaultWorkerCount(2) },
): InspectionPool {
  return new WorkerPool({
    entry: "lib/documents/inspection-worker.ts",
    size: settings.workers,
    maxQueue: 64,
    deadlineMs: settings.deadlineMs ?? 20_000,
    maxHeapMb: settings.maxHeapMb ?? 1024,
  });
}

let shared: InspectionPool | undefined;

/**
 * inspectPdf in a worker thread: an uploaded file that would keep the CPU busy past the deadline
 * or exhaust the heap ends its worker, not the server, and is refused as damaged like any file
 * over a processing limit. The bytes move to the worker: the caller must not use them afterwards.
 * A full queue throws WorkerPoolBusyError (503, "try again in a few seconds").
 */
export async function inspectIsolated(
  bytes: Uint8Array,
  pool: InspectionPool = (shared ??= inspectionPool()),
): Promise<PdfInspection> {
  try {
    return await pool.run({ pdf: bytes }, { transfer: transferableBuffer(bytes) });
  } catch (error) {
    if (error instanceof WorkerJobFailedError && error.limit !== undefined) return tooComplex(error.limit);
    throw error;
  }
}
