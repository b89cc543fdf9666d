import type { PdfLimits } from "@/lib/engine/pdf";
import { PdfLimitExceededError } from "@/lib/engine/pdf";
import {
  transferableBuffer,
  WorkerJobFailedError,
  WorkerPool,
  WorkerPoolBusyError,
  type WorkerPoolStats,
} from "@/lib/runtime/worker-pool";
import type { SignetRecordQuery } from "@/lib/engine/verify";
import type { VerificationReport } from "@/lib/engine/verify";
import { VerifyBusyError } from "@/lib/public-verify/public-verify-errors";

export type IsolatedVerifyJob = {
  pdf: Uint8Array;
  trustAnchors: Uint8Array[];
  now: string;
  limits: Partial<PdfLimits>;
};
/** The report without Signet's records, and each signature's query for them, in the report's order. */
export type IsolatedVerifyResult = { report: VerificationReport; queries: SignetRecordQuery[] };

export type IsolationSettings = { workers: number; maxQueue: number; deadlineMs: number; maxHeapMb: number };

/**
 * A job may run 20 s (the parser stops itself at 10 s) and grow a 1 GiB heap before its worker
 * is ended; up to 16 jobs wait for a worker before the next one is refused as busy.
 */
export function isolationSettings(workers: number): IsolationSettings {
  return { workers, maxQueue: 16, deadlineMs: 20_000, maxHeapMb: 1024 };
}

export type VerificationPool = WorkerPool<IsolatedVerifyJob, IsolatedVerifyResult>;

export function verificationPool(settings: IsolationSettings): VerificationPool {
  return new WorkerPool({
    entry: "lib/public-verify/verification-worker.ts",
    size: settings.workers,
    maxQueue: settings.maxQueue,
    deadlineMs: settings.deadlineMs,
    maxHeapMb: settings.maxHeapMb,
  });
}

const GLOBAL_KEY = Symbol.for("signet.verificationPool");
type GlobalWithPool = typeof globalThis & { [GLOBAL_KEY]?: VerificationPool };

/**
 * The process's pool, sized on first use by SIGNET_VERIFY_WORKERS. It lives on globalThis, so
 * the route handlers' module instances share one pool and /metrics reads the one that works.
 */
export function sharedVerificationPool(workers: number): VerificationPool {
  const g = globalThis as GlobalWithPool;
  return (g[GLOBAL_KEY] ??= verificationPool(isolationSettings(workers)));
}

/** The shared pool's load (nothing running or waiting before its first use). */
export function verificationPoolStats(): WorkerPoolStats {
  return (globalThis as GlobalWithPool)[GLOBAL_KEY]?.stats() ?? { running: 0, waiting: 0, workers: 0 };
}

/**
 * lib/verify's report of an untrusted PDF, computed in a worker thread (lib/runtime/worker-pool):
 * a file that would keep the CPU busy past the deadline or exhaust the heap ends its worker, not
 * the server, and is answered like any file over a processing limit. Errors of lib/pdf and
 * lib/verify come back with their codes and messages. With `handOverPdf` the PDF's memory moves
 * to the worker rather than being copied: the caller must not touch `job.pdf` afterwards.
 */
export async function verifyIsolated(
  job: IsolatedVerifyJob,
  pool: VerificationPool,
  options: { handOverPdf?: boolean } = {},
): Promise<IsolatedVerifyResult> {
  try {
    return await pool.run(job, { transfer: options.handOverPdf === true ? transferableBuffer(job.pdf) : [] });
  } catch (error) {
    if (error instanceof WorkerPoolBusyError) throw new VerifyBusyError();
    if (error instanceof WorkerJobFailedError && error.limit !== undefined)
      throw new PdfLimitExceededError(error.limit);
    throw error;
  }
}
