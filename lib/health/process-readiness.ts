import { processMasterKey } from "@/lib/custody/process-master-key";
import { getDb } from "@/lib/db/client";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { masterKeyKind } from "@/lib/health/master-key-kind";
import { memoiseFor } from "@/lib/health/memoise-for";
import { readiness, type Readiness } from "@/lib/health/readiness";
import { repeatingJobsQueue } from "@/lib/health/work-queues";
import { serverBackgroundJobs } from "@/lib/jobs/server-background-jobs";
import { log } from "@/lib/log/logger";

const logFailure = (check: string, error: unknown) =>
  log.warn(
    { check, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
    "readiness check failed",
  );

/**
 * The readiness of this process, from its own database, master key, document store and
 * background jobs. Anyone may ask, so the answer is reused for 5 s: callers cannot turn it into
 * a stream of database queries, KMS unwraps and disk writes.
 */
export const processReadiness: () => Promise<Readiness> = memoiseFor(5_000, () =>
  readiness({
    db: getDb,
    masterKey: processMasterKey,
    masterKeyKind: masterKeyKind(),
    documentStore: () => processDocumentStore().store,
    queues: [repeatingJobsQueue(serverBackgroundJobs)],
    onFailure: logFailure,
  }),
);
