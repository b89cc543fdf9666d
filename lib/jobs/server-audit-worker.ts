import { readSettings } from "../config/settings";
import { processMasterKey } from "../custody/process-master-key";
import { getDb } from "../db/client";
import { log } from "../log/logger";
import { startAuditWorker, type AuditWorker } from "./audit-worker";
import { siemKeyFromEnvironment } from "../audit/siem-secret";

const GLOBAL_KEY = Symbol.for("signet.auditWorker");
type GlobalWithWorker = typeof globalThis & { [GLOBAL_KEY]?: AuditWorker };

/** Started once per server process from instrumentation.ts; stopped when the process is asked to end. */
export function startServerAuditWorker(): void {
  const g = globalThis as GlobalWithWorker;
  if (g[GLOBAL_KEY] !== undefined) return;
  const settings = readSettings();
  const worker = startAuditWorker({
    db: getDb,
    masterKey: processMasterKey,
    siemKey: () => siemKeyFromEnvironment(),
    siemPollMs: settings.siemPollSeconds * 1000,
    checkpointIntervalMs: settings.checkpointIntervalMinutes * 60_000,
    outbound: { allow: settings.outboundAllow },
  });
  g[GLOBAL_KEY] = worker;
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void worker.stop());
  log.info({ siemPollSeconds: settings.siemPollSeconds, checkpointIntervalMinutes: settings.checkpointIntervalMinutes }, "audit worker started");
}
