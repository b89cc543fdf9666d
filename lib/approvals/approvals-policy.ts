import { appendAudit } from "../audit/append-audit";
import { rolesAllow } from "../auth/permissions";
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
