import { authorize, type OrgContext } from "@/lib/access/org-context";
import { ForbiddenError } from "@/lib/access/access-errors";
import { processMasterKey } from "@/lib/custody/process-master-key";
import { getDb } from "@/lib/db/client";
import { keyHealth } from "@/lib/health/key-health";
import { masterKeyKind } from "@/lib/health/master-key-kind";
import { memoiseFor } from "@/lib/health/memoise-for";
import { serviceHealth } from "@/lib/health/service-health";
import { log } from "@/lib/log/logger";
import { currentUser, organisationsOf } from "@/app/_server/session";

export const dynamic = "force-dynamic";

const logFailure = (check: string, error: unknown) =>
  log.warn(
    { check, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) },
    "health check failed",
  );

// Anyone may ask: the answer is reused for a few seconds, so callers cannot turn it into a stream of database scans and KMS calls.
const publicHealth = memoiseFor(5_000, () =>
  serviceHealth({ db: getDb, masterKey: processMasterKey, masterKeyKind: masterKeyKind(), onFailure: logFailure }),
);

/** The caller's active organisation, when they administer its keys; null for anyone else. */
async function keyAdministrator(): Promise<OrgContext | null> {
  let user;
  try {
    user = await currentUser();
  } catch (error) {
    logFailure("session", error);
    return null;
  }
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

/**
 * GET /api/health. Public: 200 `{ status: "ok", database, masterKey }` when the database answers
 * and the master key is configured and usable, 503 `{ status: "unavailable", … }` when not; the
 * master key is described by its kind only (env, file, kms, generated). For an administrator of
 * the active organisation, also `keys`: for each active key, whether its backend answers, how
 * fast, and the typed error when it does not.
 */
export async function GET(): Promise<Response> {
  const service = await publicHealth();
  const ctx = await keyAdministrator();
  const keys =
    ctx === null
      ? undefined
      : await keyHealth(await getDb(), ctx, {
          masterKey: processMasterKey,
          onUnexpected: (keyId, error) => logFailure(`key ${keyId}`, error),
        });
  return Response.json(
    { ...service, ...(keys === undefined ? {} : { keys }) },
    { status: service.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
