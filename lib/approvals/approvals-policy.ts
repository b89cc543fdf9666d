import { appendAudit } from "../audit/append-audit";
import { rolesAllow } from "../auth/permissions";
import type { Role } from "../auth/roles";
import type { Db, Tx } from "../db/client";
import type { LifecycleActor } from "../lifecycle/lifecycle-audit";
import { ApprovalError } from "./approval-errors";

/** Members who may approve certificate lifecycle actions. */
export async function countAdministrators(db: Db | Tx, orgId: string): Promise<number> {
  const memberships = await db.membership.findMany({ where: { orgId }, select: { roles: true } });
  return memberships.filter((m) => rolesAllow(m.roles, "certificates.manage")).length;
}

/** The organisation's setting now, with the organisation row locked so policy changes queue. */
export async function lockApprovalsRequired(tx: Tx, orgId: string): Promise<number> {
  const rows = await tx.$queryRaw<{ approvalsRequired: number }[]>`SELECT "approvalsRequired" FROM "Organization" WHERE id = ${orgId} FOR UPDATE`;
  return Number(rows[0]?.approvalsRequired ?? 1);
}

/** A policy that needs more admins than the organisation has would lock every lifecycle action. */
export async function checkApprovalsRequired(tx: Tx, orgId: string, approvalsRequired: number): Promise<number> {
  const before = await lockApprovalsRequired(tx, orgId);
  if (approvalsRequired === before) throw new ApprovalError("approval.policy", `Approvals required is already ${before}.`, { field: "approvalsRequired" });
  const admins = await countAdministrators(tx, orgId);
  if (approvalsRequired > admins) {
    throw new ApprovalError("approval.policy", `${approvalsRequired} approvals need ${approvalsRequired} administrators; this organisation has ${admins}. Grant ADMIN to more members first.`, { field: "approvalsRequired" });
  }
  return before;
}

/**
 * Under dual control, a removal or a withdrawal of administration must leave at least as many
 * administrators as approvals are required; otherwise no governed action (lowering the policy
 * included) could ever gather its approvals. Call with the organisation's memberships locked.
 */
export async function assertAdministratorsRemain(tx: Tx, orgId: string, membershipId: string, rolesAfter: readonly Role[]): Promise<void> {
  const required = await lockApprovalsRequired(tx, orgId);
  if (required < 2) return;
  const memberships = await tx.membership.findMany({ where: { orgId }, select: { id: true, roles: true } });
  const after = memberships.filter((m) => rolesAllow(m.id === membershipId ? rolesAfter : m.roles, "certificates.manage")).length;
  if (after < required) {
    throw new ApprovalError("approval.policy", `Dual control needs ${required} administrators and this change would leave ${after}. Lower "approvals required" first, or make another member an administrator.`, { field: "roles" });
  }
}

export async function applyApprovalsRequired(tx: Tx, actor: LifecycleActor, approvalsRequired: number): Promise<void> {
  const before = await checkApprovalsRequired(tx, actor.orgId, approvalsRequired);
  await tx.organization.update({ where: { id: actor.orgId }, data: { approvalsRequired } });
  await appendAudit(tx, {
    orgId: actor.orgId,
    actorId: actor.userId,
    action: "org.policy_changed",
    subjectType: "organisation",
    subjectId: actor.orgId,
    data: { approvalsRequired: { before, after: approvalsRequired }, ...(actor.approval === undefined ? {} : { approvalRequestId: actor.approval.requestId, approvedBy: actor.approval.approvedBy }) },
    request: actor.request,
  });
}
