import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import {
  claimSealJobs,
  failExhaustedJobs,
  failOrphanedSealing,
  runSealJob,
  type SealJobResult,
  type SealWorkerOptions,
} from "@/lib/sealing/seal-jobs";

/** How often a worker looks for documents left SEALING without a job (see failOrphanedSealing). */
const ORPHAN_SWEEP_MS = 10 * 60_000;

export type SealWorkerLoopOptions = {
  db: () => Promise<Db>;
  /** What sealing needs (store, master key, timestamper…), resolved when the loop starts. */
  worker: () => Promise<Omit<SealWorkerOptions, "owner" | "leaseMs">>;
  owner: string;
  leaseMs: number;
  /** How long the loop sleeps when no job is due (a wake() cuts it short). */
  pollMs: number;
  /** How long stop() waits for the document in flight before giving up (its lease then expires and another instance takes it over). */
  stopTimeoutMs: number;
  /** Called after each job (tests and metrics). */
  onResult?: (result: SealJobResult) => void;
};

export type RunningSealWorker = {
  /** Look for work now (after a batch was queued in this instance). */
  wake(): void;
  /** Claims no more jobs and waits (bounded) for the document in flight to finish. */
  stop(): Promise<void>;
};

/**
 * The sealing worker of one instance: claims one due job at a time (lib/sealing/seal-jobs),
 * seals it, and goes on; sleeps pollMs when there is nothing to do. Every instance runs one, so
 * a batch is spread over all of them, and a dead instance's jobs are taken over after their lease.
 */
export function startSealWorker(options: SealWorkerLoopOptions): RunningSealWorker {
  let stopping = false;
  let wakeUp: () => void = () => undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  let nextOrphanSweep = 0;
  const loop = (async () => {
    while (!stopping) {
      try {
        const db = await options.db();
        if (Date.now() >= nextOrphanSweep) {
          nextOrphanSweep = Date.now() + ORPHAN_SWEEP_MS;
          const failed = await failOrphanedSealing(db);
          if (failed > 0) log.warn({ failed }, "sealing worker: documents left SEALING without a job were failed");
        }
        const worker = { ...(await options.worker()), owner: options.owner, leaseMs: options.leaseMs };
        await failExhaustedJobs(db, worker.store, (worker.now ?? (() => new Date()))());
        const [job] = await claimSealJobs(db, worker, 1);
        if (job === undefined) {
          await sleep(options.pollMs);
          continue;
        }
        const result = await runSealJob(db, job, worker);
        options.onResult?.(result);
      } catch (error) {
        log.error(
          { err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
          "sealing worker: a run failed",
        );
        if (!stopping) await sleep(options.pollMs);
      }
    }
  })();

  return {
    wake: () => wakeUp(),
    stop: async () => {
      stopping = true;
      wakeUp();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = await Promise.race([
        loop.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), options.stopTimeoutMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
      if (gaveUp)
        log.warn({ owner: options.owner }, "sealing worker: stopped with a document in flight (its lease will expire)");
    },
  };
}
