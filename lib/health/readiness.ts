import type { DocumentStore } from "@/lib/documents/document-store";
import { checkDocumentStore } from "@/lib/health/document-store-check";
import { HealthError, withinMs } from "@/lib/health/health-errors";
import { serviceHealth, timed, type CheckResult, type ServiceHealthDeps } from "@/lib/health/service-health";
import { checkWorkQueues, type WorkQueue } from "@/lib/health/work-queues";
import type { MasterKeyKind } from "@/lib/health/master-key-kind";

export type ReadinessCheck = "database" | "masterKey" | "documents" | "jobs";

/** What GET /api/ready answers: each check with its time, and a reason in general words when it failed. */
export type Readiness = {
  status: "ready" | "unready";
  checks: {
    database: CheckResult;
    masterKey: CheckResult & { kind: MasterKeyKind };
    documents: CheckResult;
    jobs: CheckResult;
  };
};

export type ReadinessDeps = Omit<ServiceHealthDeps, "onFailure"> & {
  documentStore: () => DocumentStore;
  /** The background work of this process (the repeating jobs; later the sealing-job queue). */
  queues: readonly WorkQueue[];
  now?: () => number;
  /** Server-side record of what went wrong (the answer itself stays generic). */
  onFailure?: (check: ReadinessCheck, error: unknown) => void;
};

/**
 * Whether this process can do its work: the database answers, the master key is configured
 * and unwraps a data key, the document store takes and gives back a file, and the background
 * work runs and keeps up. The checks run side by side, each bounded in time.
 */
export async function readiness(deps: ReadinessDeps): Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 5_000;
  const now = deps.now ?? Date.now;
  const report = (check: ReadinessCheck) => (error: unknown) => deps.onFailure?.(check, error);
  const [service, documents, jobs] = await Promise.all([
    serviceHealth({ ...deps, timeoutMs, onFailure: (check, error) => deps.onFailure?.(check, error) }),
    timed(
      () => withinMs(timeoutMs, "The document store", () => checkDocumentStore(deps.documentStore())),
      new HealthError("health.document_store_unusable", "the document store cannot be written or read"),
      report("documents"),
    ),
    timed(
      () => checkWorkQueues(deps.queues, now()),
      new HealthError("health.jobs_unready", "the background work could not be checked"),
      report("jobs"),
    ),
  ]);
  const checks = { database: service.database, masterKey: service.masterKey, documents, jobs };
  return {
    status: Object.values(checks).every((check) => check.ok) ? "ready" : "unready",
    checks,
  };
}
