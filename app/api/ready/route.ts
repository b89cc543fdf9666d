import { isDraining } from "@/lib/health/draining";
import { processReadiness } from "@/lib/health/process-readiness";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * GET /api/ready: whether a load balancer should send this instance requests. Public, and
 * holds no secret or id.
 * - 200 `{ status: "ready", checks }` when the database answers, the master key unwraps a
 *   data key, the document store takes and gives back a file, and the background jobs run
 *   and none is overdue; each check is `{ ok, ms }` (the master key's also names its kind).
 * - 503 `{ status: "unready", checks }` when one is not, with `error` in general words on
 *   each failed check (the details go to the server log).
 * - 503 `{ status: "draining" }` once the server was asked to stop (SIGTERM): requests in
 *   flight finish, new ones should go elsewhere.
 * The checks' answer is reused for 5 s (lib/health/process-readiness.ts); draining is read on
 * every request.
 */
export async function GET(): Promise<Response> {
  if (isDraining()) return Response.json({ status: "draining" }, { status: 503, headers: NO_STORE });
  const ready = await processReadiness();
  return Response.json(ready, { status: ready.status === "ready" ? 200 : 503, headers: NO_STORE });
}
