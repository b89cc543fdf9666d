import { log } from "@/lib/log/logger";

export type RepeatingJob = {
  name: string;
  /** 0 or less: the job does not run in this process. */
  everyMs: number;
  firstAfterMs?: number;
  run: () => Promise<void>;
};

export type RunningJobs = { stop(): Promise<void> };

/**
 * Runs each job again only after its previous run finished (no overlap). A failed run is
 * logged and the job runs again at its next tick; timers do not keep the process alive;
 * stop() cancels what is scheduled and waits for runs in progress.
 */
export function startRepeatingJobs(jobs: readonly RepeatingJob[]): RunningJobs {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();

  const schedule = (job: RepeatingJob, delay: number): void => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = job
        .run()
        .catch((error: unknown) =>
          log.error(
            {
              job: job.name,
              err: error instanceof Error ? { name: error.name, message: error.message } : String(error),
            },
            "background job failed; retrying at the next tick",
          ),
        )
        .finally(() => {
          running.delete(run);
          schedule(job, job.everyMs);
        });
      running.add(run);
    }, delay);
    timer.unref();
    timers.add(timer);
  };
  for (const job of jobs) if (job.everyMs > 0) schedule(job, job.firstAfterMs ?? job.everyMs);

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}
