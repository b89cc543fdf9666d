import { outboxBacklog } from "@/lib/audit/siem-outbox";
import { getDb, type Db } from "@/lib/db/client";
import { withinMs } from "@/lib/health/health-errors";
import { jobLagMs, type RunningJobs } from "@/lib/jobs/repeating-jobs";
import { serverBackgroundJobs } from "@/lib/jobs/server-background-jobs";
import { log } from "@/lib/log/logger";
import { signetMetrics, type SignetMetrics } from "@/lib/metrics/signet-metrics";
import { verificationPoolStats } from "@/lib/public-verify/isolated-verify";
import type { WorkerPoolStats } from "@/lib/runtime/worker-pool";

export type ObservedSources = {
  db: () => Promise<Db>;
  jobs: () => RunningJobs | undefined;
  verificationPool: () => WorkerPoolStats;
  now?: () => number;
  timeoutMs?: number;
  /** Server-side record of a source that could not be read (its gauges then read NaN). */
  onFailure?: (source: string, error: unknown) => void;
};

/**
 * Sets the gauges that describe the process as it is now, just before a scrape: the public
 * verification pool's load, each background job's lag and last success, and the SIEM outbox's
 * backlog (one query). A database that does not answer within the timeout sets the outbox
 * gauges to NaN (unknown) rather than leaving them stale, and the rest of the scrape still answers.
 */
export async function refreshObservedMetrics(metrics: SignetMetrics, sources: ObservedSources): Promise<void> {
  const now = (sources.now ?? Date.now)();
  const pool = sources.verificationPool();
  metrics.verificationQueueDepth.set({ state: "running" }, pool.running);
  metrics.verificationQueueDepth.set({ state: "waiting" }, pool.waiting);

  metrics.jobLagSeconds.reset();
  metrics.jobLastSuccess.reset();
  for (const job of sources.jobs()?.status().jobs ?? []) {
    metrics.jobLagSeconds.set({ job: job.name }, jobLagMs(job, now) / 1000);
    if (job.lastSuccessAt !== null) metrics.jobLastSuccess.set({ job: job.name }, job.lastSuccessAt / 1000);
  }

  try {
    const backlog = await withinMs(sources.timeoutMs ?? 2_000, "The database", async () =>
      outboxBacklog(await sources.db()),
    );
    metrics.auditOutboxPending.set(backlog.pending);
    metrics.auditOutboxOldestSeconds.set(backlog.oldestAgeSeconds);
  } catch (error) {
    metrics.auditOutboxPending.set(Number.NaN);
    metrics.auditOutboxOldestSeconds.set(Number.NaN);
    sources.onFailure?.("audit outbox", error);
  }
}

/** The Prometheus text of this process's metrics, its gauges refreshed from the process's own sources. */
export async function processMetricsText(): Promise<{ contentType: string; text: string }> {
  const metrics = signetMetrics();
  await refreshObservedMetrics(metrics, {
    db: getDb,
    jobs: serverBackgroundJobs,
    verificationPool: verificationPoolStats,
    onFailure: (source, error) =>
      log.warn(
        { source, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
        "a metrics source could not be read",
      ),
  });
  return { contentType: metrics.registry.contentType, text: await metrics.registry.metrics() };
}
