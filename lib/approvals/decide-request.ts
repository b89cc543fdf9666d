import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { rolesAllow } from "@/lib/access/permissions";
import type { Db, Tx } from "@/lib/db/client";
import { isSignetError } from "@/lib/engine/errors";
import { ApprovalError } from "@/lib/approvals/approval-errors";
import { governedActionSchema } from "@/lib/approvals/governed-action";
import { applyAction, checkAction, permissionFor } from "@/lib/approvals/governed-executors";

export type DecisionOutcome =
  | { status: "pending"; approvals: number; approvalsNeeded: number }
  | { status: "executed" }
  | { status: "failed"; failure: string }
  | { status: "expired" }
  | { status: "rejected" }
  | { status: "cancelled" };

const STATUS_WORDS = {
  EXECUTED: "already carried out",
  REJECTED: "rejected",
  EXPIRED: "expired",
  CANCELLED: "cancelled",
  FAILED: "closed (it could not be carried out)",
} as const;

/** The request, locked, and still open; an expired one is closed (and audited) on the way. */
async function openRequest(tx: Tx, orgId: string, requestId: string, now: Date) {
  await tx.$queryRaw`SELECT id FROM "ApprovalRequest" WHERE id = ${requestId} AND "orgId" = ${orgId} FOR UPDATE`;
  const found = await tx.approvalRequest.findFirst({ where: { id: requestId, orgId }, include: { decisions: true } });
  if (found === null)
    throw new ApprovalError("approval.not_found", "That approval request was not found in this organisation.");
  if (found.status !== "PENDING")
    throw new ApprovalError("approval.closed", `This request is ${STATUS_WORDS[found.status]}.`);
  if (found.expiresAt <= now) {
    await closeAsExpired(tx, found, now);
    return null;
  }
  return found;
}

export async function closeAsExpired(
  tx: Tx,
  request: { id: string; orgId: string; action: string; expiresAt: Date },
  now: Date,
): Promise<void> {
  await tx.approvalRequest.update({ where: { id: request.id }, data: { status: "EXPIRED", decidedAt: now } });
  await appendAudit(tx, {
    orgId: request.orgId,
    actorId: null,
    action: "approval.expired",
    subjectType: "approval",
    subjectId: request.id,
    data: { kind: request.action, expiresAt: request.expiresAt.toISOString() },
  });
}

/**
 * An administrator other than the requester approves. With the last approval needed, the
 * action is checked against the present state and carried out in the same transaction,
 * as the requester, with the approvers recorded; if the state no longer allows it (the
 * certificate expired, was revoked meanwhile, …) the request closes as failed, saying why.
 */
export async function approveRequest(
  db: Db,
  session: OrgContext,
  requestId: string,
  comment: string | undefined,
  request: RequestMeta,
  now = new Date(),
): Promise<DecisionOutcome> {
  return db.$transaction(async (tx) => {
    const open = await openRequest(tx, session.orgId, requestId, now);
    if (open === null) return { status: "expired" as const };
    const action = governedActionSchema.parse(open.params);
    const permission = permissionFor(action);
    const ctx = await authorize(tx, session.userId, session.orgId, permission);
    if (open.requestedById === ctx.userId)
      throw new ApprovalError(
        "approval.own_request",
        "You made this request: another administrator has to approve it.",
      );
    if (open.decisions.some((d) => d.userId === ctx.userId))
      throw new ApprovalError("approval.already_decided", "You have already approved this request.");
    await tx.approvalDecision.create({
      data: { requestId: open.id, userId: ctx.userId, approve: true, comment: comment ?? null, createdAt: now },
    });
    const approvedBy = [...open.decisions.filter((d) => d.approve).map((d) => d.userId), ctx.userId];
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "approval.approved",
      subjectType: "approval",
      subjectId: open.id,
      data: {
        kind: action.kind,
        approvals: approvedBy.length,
        approvalsNeeded: open.approvalsNeeded,
        comment: comment ?? null,
      },
      request,
    });
    if (approvedBy.length < open.approvalsNeeded)
      return { status: "pending" as const, approvals: approvedBy.length, approvalsNeeded: open.approvalsNeeded };

    const requester = await tx.membership.findUnique({
      where: { userId_orgId: { userId: open.requestedById, orgId: ctx.orgId } },
      select: { roles: true },
    });
    const actor = {
      orgId: ctx.orgId,
      userId: open.requestedById,
      roles: requester?.roles ?? [],
      request,
      approval: { requestId: open.id, approvedBy },
    };
    try {
      if (requester === null || !rolesAllow(requester.roles, permission))
        throw new ApprovalError(
          "approval.closed",
          "The member who asked for this no longer has the permission to do it.",
        );
      await checkAction(tx, actor, action, now);
    } catch (error) {
      if (!isSignetError(error)) throw error;
      await tx.approvalRequest.update({
        where: { id: open.id },
        data: { status: "FAILED", decidedAt: now, failure: error.message },
      });
      await appendAudit(tx, {
        orgId: ctx.orgId,
        actorId: ctx.userId,
        action: "approval.failed",
        subjectType: "approval",
        subjectId: open.id,
        data: { kind: action.kind, failure: error.message },
        request,
      });
      return { status: "failed" as const, failure: error.message };
    }
    await applyAction(tx, actor, action, now);
    await tx.approvalRequest.update({ where: { id: open.id }, data: { status: "EXECUTED", decidedAt: now } });
    return { status: "executed" as const };
  });
}

/** Another administrator turns the request down; it closes at once. */
export async function rejectRequest(
  db: Db,
  session: OrgContext,
  requestId: string,
  comment: string | undefined,
  request: RequestMeta,
  now = new Date(),
): Promise<DecisionOutcome> {
  return db.$transaction(async (tx) => {
    const open = await openRequest(tx, session.orgId, requestId, now);
    if (open === null) return { status: "expired" as const };
    const action = governedActionSchema.parse(open.params);
    const ctx = await authorize(tx, session.userId, session.orgId, permissionFor(action));
    if (open.requestedById === ctx.userId)
      throw new ApprovalError("approval.own_request", "You made this request: cancel it instead.");
    await tx.approvalDecision.create({
      data: { requestId: open.id, userId: ctx.userId, approve: false, comment: comment ?? null, createdAt: now },
    });
    await tx.approvalRequest.update({ where: { id: open.id }, data: { status: "REJECTED", decidedAt: now } });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "approval.rejected",
      subjectType: "approval",
      subjectId: open.id,
      data: { kind: action.kind, comment: comment ?? null },
      request,
    });
    return { status: "rejected" as const };
  });
}

/** The requester withdraws their own request. */
export async function cancelRequest(
  db: Db,
  session: OrgContext,
  requestId: string,
  request: RequestMeta,
  now = new Date(),
): Promise<DecisionOutcome> {
  return db.$transaction(async (tx) => {
    const open = await openRequest(tx, session.orgId, requestId, now);
    if (open === null) return { status: "expired" as const };
    await authorize(tx, session.userId, session.orgId, "organisation.view");
    if (open.requestedById !== session.userId)
      throw new ApprovalError(
        "approval.own_request",
        "Only the member who made a request can cancel it; reject it instead.",
      );
    await tx.approvalRequest.update({ where: { id: open.id }, data: { status: "CANCELLED", decidedAt: now } });
    await appendAudit(tx, {
      orgId: session.orgId,
      actorId: session.userId,
      action: "approval.cancelled",
      subjectType: "approval",
      subjectId: open.id,
      data: { kind: open.action },
      request,
    });
    return { status: "cancelled" as const };
  });
}
