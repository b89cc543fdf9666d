// One "app instance" for the two-instance sealing test (lib/sealing/two-instances.db.test.ts): the
// sealing worker started as lib/jobs/server-background-jobs.ts starts it in every server process,
// configured from the environment alone (DATABASE_URL, SIGNET_DOCUMENT_STORE and SIGNET_S3_*,
// AWS credentials, SIGNET_MASTER_KEY, SIGNET_SEAL_LEASE_SECONDS). Each finished job is reported on
// stdout as `seal-job {"jobId":…,"status":…}` so the parent can count what each instance did.
import { readSettings } from "@/lib/config/settings";
import { configuredTimestamper } from "@/lib/config/configured-timestamper";
import { processMasterKey } from "@/lib/custody/process-master-key";
import { getDb } from "@/lib/db/client";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import { startSealWorker } from "@/lib/jobs/seal-worker";
import { newWorkerName } from "@/lib/sealing/seal-jobs";

const settings = readSettings();
const leaseMs = settings.sealLeaseSeconds * 1000;
const worker = startSealWorker({
  db: getDb,
  worker: async () => ({
    store: processDocumentStore().store,
    masterKey: await processMasterKey(),
    timestamper: configuredTimestamper(),
    publicUrl: settings.publicUrl,
  }),
  owner: newWorkerName(`pid${process.pid}`),
  leaseMs,
  pollMs: Number(process.env.SEAL_WORKER_POLL_MS ?? 2_000),
  stopTimeoutMs: Math.min(leaseMs, 25_000),
  onResult: (result) => process.stdout.write(`seal-job ${JSON.stringify(result)}\n`),
});
process.stdout.write("seal-worker ready\n");
process.on("SIGTERM", () => {
  void worker.stop().then(() => process.exit(0));
});
