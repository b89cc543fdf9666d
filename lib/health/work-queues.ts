import { HealthError } from "@/lib/health/health-errors";
import { jobLagMs, type JobStatus, type RunningJobs } from "@/lib/jobs/repeating-jobs";

/**
 * Background work whose progress readiness checks. The repeating jobs are one; a queue of
 * sealing jobs (issue 15) is added to GET /api/ready's list as another.
 */
export type WorkQueue = {
  name: string;
  /** Returns when the queue runs and keeps up; throws a HealthError saying, in words anyone may read, what is wrong. */
  check(now: number): void | Promise<void>;
};

/** A job is overdue past twice its interval, and never sooner than five minutes (a slow SIEM or KMS is not an outage). */
export function overdueAfterMs(job: JobStatus): number {
  return Math.max(2 * job.everyMs, 5 * 60_000);
}

/** The repeating jobs of this process: started, not stopped, and none of them overdue. */
export function repeatingJobsQueue(jobs: () => RunningJobs | undefined): WorkQueue {
  return {
    name: "background jobs",
    check(now) {
      const running = jobs();
      if (running === undefined)
        throw new HealthError("health.jobs_unready", "the background jobs are not running in this process");
      const { stopped, jobs: status } = running.status();
      if (stopped) throw new HealthError("health.jobs_unready", "the background jobs were stopped");
      const overdue = status.filter((job) => jobLagMs(job, now) > overdueAfterMs(job));
      if (overdue.length > 0)
        throw new HealthError(
          "health.jobs_unready",
          overdue.map((job) => `${job.name} is ${Math.round(jobLagMs(job, now) / 1000)} s overdue`).join("; "),
        );
    },
  };
}

/** Every queue's check; the failures of all of them in one HealthError. */
export async function checkWorkQueues(queues: readonly WorkQueue[], now: number): Promise<void> {
  const problems: string[] = [];
  for (const queue of queues) {
    try {
      await queue.check(now);
    } catch (error) {
      // Anything but a HealthError is unexpected: it is logged, and answered in general words.
      if (!(error instanceof HealthError)) throw error;
      problems.push(`${queue.name}: ${error.message}`);
    }
  }
  if (problems.length > 0) throw new HealthError("health.jobs_unready", problems.join("; "));
}
