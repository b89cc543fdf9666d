import { readSettings } from "@/lib/config/settings";
import { processMasterKey } from "@/lib/custody/process-master-key";
import { getDb } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import { startBackgroundJobs } from "@/lib/jobs/background-jobs";
import type { RunningJobs } from "@/lib/jobs/repeating-jobs";
import { siemKeyFromEnvironment } from "@/lib/audit/siem-secret";
import { onShutdown } from "@/lib/process/shutdown";

const GLOBAL_KEY = Symbol.for("signet.backgroundJobs");
type GlobalWithWorker = typeof globalThis & { [GLOBAL_KEY]?: RunningJobs };

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
  onShutdown("background jobs", () => jobs.stop());
  log.info(
    { siemPollSeconds: settings.siemPollSeconds, checkpointIntervalMinutes: settings.checkpointIntervalMinutes },
    "background jobs started",
  );
}

/** This process's background jobs, for readiness and metrics; undefined until instrumentation.ts started them. */
export function serverBackgroundJobs(): RunningJobs | undefined {
  return (globalThis as GlobalWithWorker)[GLOBAL_KEY];
}
