import "server-only";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import type { Action } from "@/lib/access/permissions";
import { getDb } from "@/lib/db/client";
import { isSignetError, userMessage } from "@/lib/engine/errors";
import { log } from "@/lib/log/logger";
import { currentUser, organisationsOf } from "@/app/_server/session";

/**
 * For route handlers: the signed-in user, authorised for `action` in their active
 * organisation (membership and roles read from the database), or the response to send.
 */
export async function routeContext(
  action: Action,
): Promise<{ ctx: OrgContext; response?: undefined } | { ctx?: undefined; response: Response }> {
  const user = await currentUser();
  if (user === null) return { response: jsonError(401, "Sign in first.") };
  const { active } = await organisationsOf(user.id);
  if (active === null) return { response: jsonError(403, "You are not a member of any organisation.") };
  try {
    return { ctx: await authorize(await getDb(), user.id, active.id, action) };
  } catch (error) {
    return { response: errorResponse(error) };
  }
}

export function jsonError(status: number, message: string): Response {
  return Response.json({ error: message }, { status, headers: { "Cache-Control": "no-store" } });
}

/** A SignetError's own status and message; anything else is logged and answered in general words. */
export function errorResponse(error: unknown): Response {
  if (isSignetError(error)) return jsonError(error.status, error.message);
  log.error(
    { err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) },
    "unexpected error in a route handler",
  );
  return jsonError(500, userMessage(error));
}

/** Headers of a file download: never cached by shared caches, never sniffed, never run as a page of our origin. */
export function fileHeaders(contentType: string, size: number | null, disposition: string): HeadersInit {
  return {
    "Content-Type": contentType,
    ...(size === null ? {} : { "Content-Length": String(size) }),
    "Content-Disposition": disposition,
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
  };
}
