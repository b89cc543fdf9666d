import { parentPort } from "node:worker_threads";
import { isSignetError } from "@/lib/engine/errors";
import type { WorkerReply } from "@/lib/runtime/worker-pool";

/**
 * The worker side of lib/runtime/worker-pool: answers each job with the handler's result, or with
 * the SignetError it threw (code, message, status; anything else is reported as an internal
 * error without detail, so nothing of the input leaves the worker in an error).
 */
export function serveJobs<Job, Result>(handler: (job: Job) => Promise<Result>): void {
  const port = parentPort;
  if (port === null) throw new Error("serveJobs runs inside a worker thread");
  port.on("message", async ({ id, job }: { id: number; job: Job }) => {
    let reply: WorkerReply<Result>;
    try {
      reply = { id, ok: true, result: await handler(job) };
    } catch (error) {
      reply = {
        id,
        ok: false,
        error: isSignetError(error) ? { code: error.code, message: error.message, status: error.status } : null,
      };
    }
    port.postMessage(reply);
  });
}
