import { log } from "@/lib/log/logger";

export type RepeatingJob = {
  name: string;
  /** 0 or less: the job does not run in this process. */
  everyMs: number;
  firstAfterMs?: number;
  run: () => Promise<void>;
};

/** Where a job stands, for readiness and metrics (times in ms since the epoch). */
export type JobStatus = {
  name: string;
  everyMs: number;
  /** When the run in progress, or the next one, was or is due. */
  dueAt: number;
  running: boolean;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
};

export type RunningJobs = {
  stop(): Promise<void>;
  /** The jobs that run in this process (everyMs > 0), and whether stop() was called. */
  status(): { stopped: boolean; jobs: JobStatus[] };
};

/** How late a job is at `now`: the time since its run was due, while that run has not finished (0 when on time). */
export function jobLagMs(job: JobStatus, now: number): number {
  return Math.max(0, now - job.dueAt);
}

/**
 * Runs each job again only after its previous run finished (no overlap). A failed run is
 * logged and the job runs again at its next tick; timers do not keep the process alive;
 * stop() cancels what is scheduled and waits for runs in progress.
 */
export function startRepeatingJobs(jobs: readonly RepeatingJob[], now: () => number = Date.now): RunningJobs {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const states: JobStatus[] = [];

  const schedule = (job: RepeatingJob, state: JobStatus, delay: number): void => {
    if (stopped) return;
    state.dueAt = now() + delay;
    const timer = setTimeout(() => {
      timers.delete(timer);
      state.running = true;
      const run = job
        .run()
        .then(
          () => {
            state.lastSuccessAt = now();
          },
          (error: unknown) => {
            state.lastFailureAt = now();
            log.error(
              {
                job: job.name,
                err: error instanceof Error ? { name: error.name, message: error.message } : String(error),
              },
              "background job failed; retrying at the next tick",
            );
          },
        )
        .finally(() => {
          running.delete(run);
          state.running = false;
          schedule(job, state, job.everyMs);
        });
      running.add(run);
    }, delay);
    timer.unref();
    timers.add(timer);
  };
  for (const job of jobs) {
    if (job.everyMs <= 0) continue;
    const state: JobStatus = {
      name: job.name,
      everyMs: job.everyMs,
      dueAt: now(),
      running: false,
      lastSuccessAt: null,
      lastFailureAt: null,
    };
    states.push(state);
    schedule(job, state, job.firstAfterMs ?? job.everyMs);
  }

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
    },
    status() {
      return { stopped, jobs: states.map((state) => ({ ...state })) };
    },
  };
}
