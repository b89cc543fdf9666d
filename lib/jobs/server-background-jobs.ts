import { readSettings } from "@/lib/config/settings";
import { processMasterKey } from "@/lib/custody/process-master-key";
import { getDb } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import { startBackgroundJobs } from "@/lib/jobs/background-jobs";
import type { RunningJobs } from "@/lib/jobs/repeating-jobs";
import { siemKeyFromEnvironment } from "@/lib/audit/siem-secret";
import { onShutdown } from "@/lib/process/shutdown";
import { configuredTimestamper } from "@/lib/config/configured-timestamper";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { startSealWorker, type RunningSealWorker, type SealWorkerLoopOptions } from "@/lib/jobs/seal-worker";
import { newWorkerName } from "@/lib/sealing/seal-jobs";

const GLOBAL_KEY = Symbol.for("signet.backgroundJobs");
const SEAL_WORKER_KEY = Symbol.for("signet.sealWorker");
type GlobalWithWorker = typeof globalThis & { [GLOBAL_KEY]?: RunningJobs; [SEAL_WORKER_KEY]?: RunningSealWorker };

/** Started once per server process from instrumentation.ts; stopped by the server's shutdown (lib/process/shutdown). */
export function startServerBackgroundJobs(): void {
  const g = globalThis as GlobalWithWorker;
  if (g[GLOBAL_KEY] !== undefined) return;
  const settings = readSettings();
  const jobs = startBackgroundJobs({
    db: getDb,
    masterKey: processMasterKey,
    siemKey: () => siemKeyFromEnvironment(),
    siemPollMs: settings.siemPollSeconds * 1000,
    checkpointIntervalMs: settings.checkpointIntervalMinutes * 60_000,
    outbound: { allow: settings.outboundAllow },
    sessionMaxAgeSeconds: settings.sessionMaxAgeHours * 3600,
  });
  g[GLOBAL_KEY] = jobs;
  const sealWorker = startProcessSealWorker();
  g[SEAL_WORKER_KEY] = sealWorker;
  // One shutdown step for all background jobs (e2e 11 checks the steps): the sealing worker
  // first (claims nothing more; the document in flight finishes), then the repeating jobs.
  onShutdown("background jobs", async () => {
    await sealWorker.stop();
    await jobs.stop();
  });
  log.info(
    { siemPollSeconds: settings.siemPollSeconds, checkpointIntervalMinutes: settings.checkpointIntervalMinutes },
    "background jobs started",
  );
}

/** This process's sealing worker: the seal action wakes it after queueing a batch. */
export function serverSealWorker(): RunningSealWorker | undefined {
  return (globalThis as GlobalWithWorker)[SEAL_WORKER_KEY];
}

/** This process's background jobs, for readiness and metrics; undefined until instrumentation.ts started them. */
export function serverBackgroundJobs(): RunningJobs | undefined {
  return (globalThis as GlobalWithWorker)[GLOBAL_KEY];
}

/**
 * The sealing worker of this process, configured from its settings: every instance seals. On
 * SIGTERM the document in flight may finish, within the lease and at most 25 s (a container's
 * grace period is often 30 s); past that, another instance takes it over once the lease expires.
 * `pollMs` and `onResult` exist for the two-instance test's processes.
 */
export function startProcessSealWorker(
  options: { pollMs?: number; onResult?: SealWorkerLoopOptions["onResult"] } = {},
): RunningSealWorker {
  const settings = readSettings();
  const leaseMs = settings.sealLeaseSeconds * 1000;
  return startSealWorker({
    db: getDb,
    worker: async () => ({
      store: processDocumentStore().store,
      masterKey: await processMasterKey(),
      timestamper: configuredTimestamper(),
      publicUrl: settings.publicUrl,
    }),
    owner: newWorkerName(`pid${process.pid}`),
    leaseMs,
    pollMs: options.pollMs ?? 2_000,
    stopTimeoutMs: Math.min(leaseMs, 25_000),
    ...(options.onResult === undefined ? {} : { onResult: options.onResult }),
  });
}
