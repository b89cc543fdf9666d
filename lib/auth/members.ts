import { assertAdministratorsRemain } from "@/lib/access/dual-control";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { Db, Tx } from "@/lib/db/client";
import { ForbiddenError, NotFoundError, OwnRolesError, ValidationError } from "@/lib/access/access-errors";
import type { OrgContext } from "@/lib/access/org-context";
import { mayChangeRoles } from "@/lib/access/permissions";
import { normaliseRoles, Role } from "@/lib/access/roles";

export async function listMembers(db: Db, ctx: OrgContext) {
  const memberships = await db.membership.findMany({
    where: { orgId: ctx.orgId },
    include: { user: { select: { id: true, email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return memberships.map((m) => ({
    membershipId: m.id,
    userId: m.user.id,
    email: m.user.email,
    name: m.user.name,
    roles: m.roles,
    since: m.createdAt,
  }));
}

/** Whether a role change hands out administration (ADMIN or OWNER the member did not have). */
export function grantsAdministration(before: readonly Role[], after: readonly Role[]): boolean {
  return [Role.ADMIN, Role.OWNER].some((role) => after.includes(role) && !before.includes(role));
}

/**
 * Whether a role change needs approval under dual control: it hands out administration or the
 * signer role (sealing in the organisation's name), which one administrator alone may not give.
 */
export function grantsGovernedRole(before: readonly Role[], after: readonly Role[]): boolean {
  return grantsAdministration(before, after) || (after.includes(Role.SIGNER) && !before.includes(Role.SIGNER));
}

export type RoleChangeActor = {
  orgId: string;
  userId: string;
  roles: readonly Role[];
  request: RequestMeta;
  approval?: { requestId: string; approvedBy: string[] };
};

/**
 * Changes a member's roles. The membership is looked up within ctx.orgId only, so an id from
 * another organisation is simply not found. The organisation always keeps an owner.
 * No one changes their own roles. Under dual control a grant of ADMIN, OWNER or SIGNER goes
 * through lib/approvals, which calls changeMemberRolesInTx.
 */
export async function changeMemberRoles(
  db: Db,
  ctx: OrgContext,
  membershipId: string,
  requested: Role[],
  request: RequestMeta,
): Promise<Role[]> {
  return db.$transaction((tx) =>
    changeMemberRolesInTx(
      tx,
      { orgId: ctx.orgId, userId: ctx.userId, roles: ctx.roles, request },
      membershipId,
      requested,
    ),
  );
}

export function checkedRoles(requested: readonly Role[]): Role[] {
  const roles = normaliseRoles(requested);
  if (roles.length === 0)
    throw new ValidationError(
      "A member needs at least one role. To take all access away, remove the member instead.",
      "roles",
    );
  return roles;
}

/** The checks of a role change, under lock, without changing anything; returns the membership as it is. */
export async function checkRoleChange(
  tx: Tx,
  actor: Pick<RoleChangeActor, "orgId" | "userId" | "roles">,
  membershipId: string,
  requested: readonly Role[],
) {
  const roles = checkedRoles(requested);
  const target = await lockMembership(tx, actor.orgId, membershipId);
  // Separation of duties: roles are always given by someone else (and under dual control, approved by a third).
  if (target.userId === actor.userId) throw new OwnRolesError();
  if (!mayChangeRoles(actor.roles, target.roles, roles))
    throw new ForbiddenError("Only an owner can grant, withdraw or change the owner role.");
  if (target.roles.includes(Role.OWNER) && !roles.includes(Role.OWNER))
    await assertAnotherOwner(tx, actor.orgId, membershipId);
  await assertAdministratorsRemain(tx, actor.orgId, membershipId, roles);
  return { target, roles };
}

export async function changeMemberRolesInTx(
  tx: Tx,
  actor: RoleChangeActor,
  membershipId: string,
  requested: readonly Role[],
): Promise<Role[]> {
  const { target, roles } = await checkRoleChange(tx, actor, membershipId, requested);
  await tx.membership.update({ where: { id: membershipId }, data: { roles } });
  await appendAudit(tx, {
    orgId: actor.orgId,
    actorId: actor.userId,
    action: "member.roles_changed",
    subjectType: "membership",
    subjectId: membershipId,
    data: {
      userId: target.userId,
      before: target.roles,
      after: roles,
      ...(actor.approval === undefined
        ? {}
        : { approvalRequestId: actor.approval.requestId, approvedBy: actor.approval.approvedBy }),
    },
    request: actor.request,
  });
  return roles;
}

/**
 * Records a refused attempt to change one's own roles (the refusal itself rolls back with its
 * transaction, so it is written afterwards, on its own). Only the caller's own membership is
 * recorded: anything else was not a change of their own roles.
 */
export async function auditOwnRolesRefused(
  db: Db,
  ctx: OrgContext,
  membershipId: string,
  requested: readonly Role[],
  request: RequestMeta,
): Promise<void> {
  if (membershipId !== ctx.membershipId) return;
  await db.$transaction((tx) =>
    appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "member.roles_change_refused",
      subjectType: "membership",
      subjectId: membershipId,
      data: { reason: "own_roles", before: ctx.roles, requested: normaliseRoles(requested) },
      request,
    }),
  );
}

export async function removeMember(db: Db, ctx: OrgContext, membershipId: string, request: RequestMeta): Promise<void> {
  await db.$transaction(async (tx) => {
    const target = await lockMembership(tx, ctx.orgId, membershipId);
    if (!mayChangeRoles(ctx.roles, target.roles, [])) throw new ForbiddenError("Only an owner can remove an owner.");
    if (target.roles.includes(Role.OWNER)) await assertAnotherOwner(tx, ctx.orgId, membershipId);
    await assertAdministratorsRemain(tx, ctx.orgId, membershipId, []);
    await tx.membership.delete({ where: { id: membershipId } });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "member.removed",
      subjectType: "membership",
      subjectId: membershipId,
      data: { userId: target.userId, roles: target.roles },
      request,
    });
  });
}

async function lockMembership(tx: Tx, orgId: string, membershipId: string) {
  // The organisation row first (the order lib/approvals takes them in), so the approvals policy cannot
  // change under us; then every membership: the last-owner and last-administrators checks must not race.
  await tx.$queryRaw`SELECT id FROM "Organization" WHERE id = ${orgId} FOR UPDATE`;
  await tx.$queryRaw`SELECT id FROM "Membership" WHERE "orgId" = ${orgId} FOR UPDATE`;
  const target = await tx.membership.findFirst({ where: { id: membershipId, orgId } });
  if (target === null) throw new NotFoundError("That member");
  return target;
}

async function assertAnotherOwner(tx: Tx, orgId: string, exceptMembershipId: string): Promise<void> {
  const others = await tx.membership.findMany({
    where: { orgId, id: { not: exceptMembershipId } },
    select: { roles: true },
  });
  if (!others.some((m) => m.roles.includes(Role.OWNER)))
    throw new ValidationError(
      "The organisation must keep at least one owner. Make someone else an owner first.",
      "roles",
    );
}
