import { authorize, type OrgContext } from "@/lib/access/org-context";
import { ForbiddenError } from "@/lib/access/access-errors";
import { processMasterKey } from "@/lib/custody/process-master-key";
import { getDb } from "@/lib/db/client";
import { keyHealth, type KeyHealth } from "@/lib/health/key-health";
import { log } from "@/lib/log/logger";
import { currentUser, organisationsOf } from "@/app/_server/session";

export const dynamic = "force-dynamic";

const logFailure = (check: string, error: unknown) =>
  log.warn(
    { check, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
    "health check failed",
  );

/** The caller's active organisation, when they administer its keys; null for anyone else. */
async function keyAdministrator(): Promise<OrgContext | null> {
  const user = await currentUser();
  if (user === null) return null;
  const { active } = await organisationsOf(user.id);
  if (active === null) return null;
  try {
    return await authorize(await getDb(), user.id, active.id, "certificates.manage");
  } catch (error) {
    if (error instanceof ForbiddenError) return null;
    throw error;
  }
}

/** For an administrator of the active organisation, each active key's backend status; undefined for anyone else, or when it cannot be read now. */
async function keysOfAdministrator(): Promise<KeyHealth[] | undefined> {
  try {
    const ctx = await keyAdministrator();
    if (ctx === null) return undefined;
    return await keyHealth(await getDb(), ctx, {
      masterKey: processMasterKey,
      onUnexpected: (keyId, error) => logFailure(`key ${keyId}`, error),
    });
  } catch (error) {
    logFailure("keys", error);
    return undefined;
  }
}

/**
 * GET /api/health: liveness. 200 `{ status: "ok" }` whenever the process answers HTTP: it
 * reads nothing for an anonymous caller, so a database, KMS or disk that is down does not
 * make an orchestrator restart an instance that a restart would not fix. Whether the
 * instance can serve (database, master key, document store, background jobs) is
 * GET /api/ready's answer, which took over the dependency details this route used to give.
 *
 * For an administrator of the active organisation (with their session), also `keys`: for
 * each active key, whether its backend answers, how fast, and the typed error when it does
 * not. That part needs the database; when it cannot be read, it is left out and the answer
 * is still 200.
 */
export async function GET(): Promise<Response> {
  const keys = await keysOfAdministrator();
  return Response.json(
    { status: "ok", ...(keys === undefined ? {} : { keys }) },
    { status: 200, headers: { "Cache-Control": "no-store" } },
  );
}
