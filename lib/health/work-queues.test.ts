import { describe, expect, it } from "vitest";
import { HealthError } from "@/lib/health/health-errors";
import { checkWorkQueues, overdueAfterMs, repeatingJobsQueue, type WorkQueue } from "@/lib/health/work-queues";
import type { JobStatus, RunningJobs } from "@/lib/jobs/repeating-jobs";

const minute = 60_000;
const now = 1_000_000_000;
const job = (name: string, everyMs: number, dueAt: number): JobStatus => ({
  name,
  everyMs,
  dueAt,
  running: true,
  lastSuccessAt: null,
  lastFailureAt: null,
});
const running = (jobs: JobStatus[]): RunningJobs => ({
  stop: async () => undefined,
  status: () => ({ stopped: false, jobs }),
});
const problem = async (queues: WorkQueue[]) =>
  checkWorkQueues(queues, now).then(
    () => null,
    (error: unknown) => (error instanceof HealthError ? error.message : error),
  );

describe("work queues in readiness", () => {
  it("a repeating job is overdue past twice its interval, never sooner than five minutes", async () => {
    expect(overdueAfterMs(job("siem-delivery", 5_000, 0))).toBe(5 * minute);
    expect(overdueAfterMs(job("audit-checkpoints", 60 * minute, 0))).toBe(120 * minute);
    const onTime = running([
      job("siem-delivery", 5_000, now - 5 * minute),
      job("audit-checkpoints", 60 * minute, now - 119 * minute),
    ]);
    expect(await problem([repeatingJobsQueue(() => onTime)])).toBeNull();
    const late = running([
      job("siem-delivery", 5_000, now - 5 * minute - 1_000),
      job("approval-expiry", minute, now + minute),
      job("audit-checkpoints", 60 * minute, now - 121 * minute),
    ]);
    expect(await problem([repeatingJobsQueue(() => late)])).toBe(
      "background jobs: siem-delivery is 301 s overdue; audit-checkpoints is 7260 s overdue",
    );
  });

  it("reports every queue that does not keep up, and lets an unexpected failure through to be logged", async () => {
    const sealing: WorkQueue = {
      name: "sealing jobs",
      check: () => {
        throw new HealthError("health.jobs_unready", "3 jobs wait for more than 10 minutes");
      },
    };
    expect(await problem([repeatingJobsQueue(() => undefined), sealing])).toBe(
      "background jobs: the background jobs are not running in this process; sealing jobs: 3 jobs wait for more than 10 minutes",
    );
    const broken: WorkQueue = { name: "broken", check: () => Promise.reject(new Error("socket closed")) };
    expect(await problem([broken])).toEqual(new Error("socket closed"));
  });
});
