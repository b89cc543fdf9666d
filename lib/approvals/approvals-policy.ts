import { appendAudit } from "@/lib/audit/append-audit";
import type { Tx } from "@/lib/db/client";
import type { LifecycleActor } from "@/lib/lifecycle/lifecycle-audit";
import { countAdministrators, DualControlError, lockApprovalsRequired } from "@/lib/access/dual-control";

/** A policy that needs more admins than the organisation has would lock every lifecycle action. */
export async function checkApprovalsRequired(tx: Tx, orgId: string, approvalsRequired: number): Promise<number> {
  const before = await lockApprovalsRequired(tx, orgId);
  if (approvalsRequired === before)
    throw new DualControlError(`Approvals required is already ${before}.`, "approvalsRequired");
  const admins = await countAdministrators(tx, orgId);
  if (approvalsRequired > admins) {
    throw new DualControlError(
      `${approvalsRequired} approvals need ${approvalsRequired} administrators; this organisation has ${admins}. Grant ADMIN to more members first.`,
      "approvalsRequired",
    );
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
    data: {
      approvalsRequired: { before, after: approvalsRequired },
      ...(actor.approval === undefined
        ? {}
        : { approvalRequestId: actor.approval.requestId, approvedBy: actor.approval.approvedBy }),
    },
    request: actor.request,
  });
}
