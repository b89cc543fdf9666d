import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { JsonValue } from "@/lib/audit/canonical-json";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import { ApprovalError } from "@/lib/approvals/approval-errors";
import { lockApprovalsRequired } from "@/lib/access/dual-control";
import { governedActionSchema, type GovernedAction } from "@/lib/approvals/governed-action";
import { applyAction, checkAction, needsApproval, permissionFor } from "@/lib/approvals/governed-executors";

/** How long a request waits for its approvals. */
export const APPROVAL_TTL_MS = 72 * 60 * 60 * 1000;

export type SubmitOutcome =
  { status: "done" } | { status: "pending"; requestId: string; approvalsNeeded: number; expiresAt: Date };

/**
 * The one way to run a governed action (activate, rotate, revoke, destroy, grant ADMIN, lower
 * the approvals policy). With dual control off it is done at once; with it on it becomes a
 * request that other administrators approve, executed with the last approval. Either way the
 * caller's permission is read fresh from the database and everything is audited in the
 * transaction of the change.
 */
export async function submitGovernedAction(
  db: Db,
  session: OrgContext,
  input: GovernedAction,
  request: RequestMeta,
  now = new Date(),
): Promise<SubmitOutcome> {
  const action = governedActionSchema.parse(input);
  const ctx = await authorize(db, session.userId, session.orgId, permissionFor(action));
  const actor = { orgId: ctx.orgId, userId: ctx.userId, roles: ctx.roles, request };
  return db.$transaction(async (tx) => {
    const required = await lockApprovalsRequired(tx, ctx.orgId);
    if (!(await needsApproval(tx, ctx.orgId, action, required))) {
      await applyAction(tx, actor, action, now);
      return { status: "done" as const };
    }
    const facts = await checkAction(tx, actor, action, now);
    const duplicate = await tx.approvalRequest.findFirst({
      where: {
        orgId: ctx.orgId,
        action: action.kind,
        subjectId: facts.subjectId,
        status: "PENDING",
        expiresAt: { gt: now },
      },
    });
    if (duplicate !== null)
      throw new ApprovalError(
        "approval.duplicate",
        "The same kind of request for this item is already waiting for approval. Approve, reject or cancel it first.",
      );
    const approvalsNeeded = required - 1;
    const expiresAt = new Date(now.getTime() + APPROVAL_TTL_MS);
    const reason = "reason" in action ? action.reason : "comment" in action ? (action.comment ?? null) : null;
    const created = await tx.approvalRequest.create({
      data: {
        orgId: ctx.orgId,
        action: action.kind,
        subjectType: facts.subjectType,
        subjectId: facts.subjectId,
        params: action as unknown as { [key: string]: JsonValue },
        reason,
        approvalsNeeded,
        requestedById: ctx.userId,
        expiresAt,
        createdAt: now,
      },
    });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "approval.requested",
      subjectType: "approval",
      subjectId: created.id,
      data: {
        kind: action.kind,
        summary: facts.summary,
        target: { type: facts.subjectType, id: facts.subjectId },
        ...facts.facts,
        approvalsNeeded,
        expiresAt: expiresAt.toISOString(),
      },
      request,
    });
    return { status: "pending" as const, requestId: created.id, approvalsNeeded, expiresAt };
  });
}
