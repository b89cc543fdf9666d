import type { Db, Tx } from "@/lib/db/client";
import { ForbiddenError } from "@/lib/access/access-errors";
import { rolesAllow, type Action } from "@/lib/access/permissions";
import type { Role } from "@/lib/access/roles";

/** A caller proven to be a member of an organisation, with the roles the database gives them. */
export type OrgContext = { userId: string; orgId: string; roles: Role[]; membershipId: string };

/**
 * The one gate: every server action and route handler calls this with the session's user id
 * and the organisation it wants to act in. Ids from the browser are never trusted; the
 * membership is read from the database on every call.
 */
export async function authorize(db: Db | Tx, userId: string, orgId: string, action: Action): Promise<OrgContext> {
  const membership = await db.membership.findUnique({ where: { userId_orgId: { userId, orgId } } });
  if (membership === null || !rolesAllow(membership.roles, action)) throw new ForbiddenError();
  return { userId, orgId, roles: membership.roles, membershipId: membership.id };
}

export async function listOrganisationsOf(
  db: Db,
  userId: string,
): Promise<{ id: string; name: string; roles: Role[] }[]> {
  const memberships = await db.membership.findMany({
    where: { userId },
    include: { org: true },
    orderBy: { createdAt: "asc" },
  });
  return memberships.map((m) => ({ id: m.orgId, name: m.org.name, roles: m.roles }));
}
