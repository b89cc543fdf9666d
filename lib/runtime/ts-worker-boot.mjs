// Starts a worker thread on a TypeScript module (workerData.entry) through tsx's API:
// node's --import flag does not reach worker threads on Node 20. See lib/runtime/worker-pool.ts.
import { workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

await tsImport(workerData.entry, import.meta.url);
