// One sealing instance for bench/sealing-throughput.ts: opens the PostgreSQL database named by
// SIGNET_BENCH_DB_URL, prints "ready", and on "go" (stdin) runs the production sealing loop
// (lib/jobs/seal-worker.ts) on the local document store SIGNET_BENCH_STORE with the master key
// SIGNET_BENCH_MASTER_KEY; prints "result <status>" after each job; on "stop" stops and exits.
import readline from "node:readline";
import { openDatabase } from "@/lib/db/client";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { LocalMasterKey } from "@/lib/engine/keys/platform";
import { startSealWorker, type RunningSealWorker } from "@/lib/jobs/seal-worker";
import { newWorkerName } from "@/lib/sealing/seal-jobs";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const opened = await openDatabase({ kind: "postgres", url: env("SIGNET_BENCH_DB_URL") });
await opened.db.$queryRaw`SELECT 1`;
const store = new LocalDocumentStore(env("SIGNET_BENCH_STORE"));
const masterKey = new LocalMasterKey(env("SIGNET_BENCH_MASTER_KEY"));
let running: RunningSealWorker | undefined;
process.stdout.write("ready\n");

for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line === "go" && running === undefined) {
    running = startSealWorker({
      db: async () => opened.db,
      worker: async () => ({ store, masterKey, publicUrl: "https://signet.bench" }),
      owner: newWorkerName(`bench-pid${process.pid}`),
      leaseMs: 60_000,
      pollMs: 50,
      stopTimeoutMs: 30_000,
      onResult: (result) => process.stdout.write(`result ${result.status}\n`),
    });
  } else if (line === "stop") {
    await running?.stop();
    break;
  }
}
await opened.close();
process.exit(0);
