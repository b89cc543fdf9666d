// One "app instance" for the two-instance sealing test (lib/sealing/two-instances.db.test.ts): the
// sealing worker as every server process starts it (lib/jobs/server-background-jobs.ts),
// configured from the environment alone (DATABASE_URL, SIGNET_DOCUMENT_STORE and SIGNET_S3_*,
// AWS credentials, SIGNET_MASTER_KEY, SIGNET_SEAL_LEASE_SECONDS). Each finished job is reported on
// stdout as `seal-job {"jobId":…,"status":…}` so the parent can count what each instance did.
import { startProcessSealWorker } from "@/lib/jobs/server-background-jobs";

const worker = startProcessSealWorker({
  pollMs: Number(process.env.SEAL_WORKER_POLL_MS ?? 2_000),
  onResult: (result) => process.stdout.write(`seal-job ${JSON.stringify(result)}\n`),
});
process.stdout.write("seal-worker ready\n");
process.on("SIGTERM", () => {
  void worker.stop().then(() => process.exit(0));
});
