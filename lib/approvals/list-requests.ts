import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import { closeAsExpired } from "@/lib/approvals/decide-request";
import { GOVERNED_KIND_LABELS, governedActionSchema, type GovernedAction } from "@/lib/approvals/governed-action";

/** Closes, with an audit entry each, the organisation's requests whose time ran out. */
export async function expireRequests(db: Db, orgId: string, now = new Date()): Promise<number> {
  return closeExpired(db, { orgId }, now);
}

/** The same for every organisation: the server's background sweep, so an expiry is recorded when it happens. */
export async function expireDueRequests(db: Db, now = new Date()): Promise<number> {
  return closeExpired(db, {}, now);
}

async function closeExpired(db: Db, where: { orgId?: string }, now: Date): Promise<number> {
  const stale = await db.approvalRequest.findMany({
    where: { ...where, status: "PENDING", expiresAt: { lte: now } },
    select: { id: true },
  });
  let closed = 0;
  for (const { id } of stale) {
    closed += await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "ApprovalRequest" WHERE id = ${id} FOR UPDATE`;
      const row = await tx.approvalRequest.findUniqueOrThrow({
        where: { id },
        select: { id: true, orgId: true, action: true, status: true, expiresAt: true },
      });
      if (row.status !== "PENDING") return 0;
      await closeAsExpired(tx, row, now);
      return 1;
    });
  }
  return closed;
}

export type ApprovalRequestView = {
  id: string;
  kind: GovernedAction["kind"];
  label: string;
  action: GovernedAction;
  subjectType: string;
  subjectId: string;
  reason: string | null;
  status: string;
  requestedBy: { id: string; name: string; email: string };
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  failure: string | null;
  approvalsNeeded: number;
  decisions: { userId: string; name: string; approve: boolean; comment: string | null; at: Date }[];
};

/** Open requests first, then the latest closed ones; expired ones are closed on the way. Caller authorised. */
export async function listApprovalRequests(
  db: Db,
  ctx: OrgContext,
  options: { closedLimit?: number; now?: Date } = {},
): Promise<{ open: ApprovalRequestView[]; closed: ApprovalRequestView[] }> {
  await expireRequests(db, ctx.orgId, options.now);
  const [open, closed] = await Promise.all([
    db.approvalRequest.findMany({
      where: { orgId: ctx.orgId, status: "PENDING" },
      include: { decisions: { orderBy: { createdAt: "asc" } } },
      orderBy: { createdAt: "asc" },
    }),
    db.approvalRequest.findMany({
      where: { orgId: ctx.orgId, status: { not: "PENDING" } },
      include: { decisions: { orderBy: { createdAt: "asc" } } },
      orderBy: { createdAt: "desc" },
      take: options.closedLimit ?? 20,
    }),
  ]);
  const userIds = [
    ...new Set([...open, ...closed].flatMap((r) => [r.requestedById, ...r.decisions.map((d) => d.userId)])),
  ];
  const users = new Map(
    (await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } })).map(
      (u) => [u.id, u],
    ),
  );
  const view = (r: (typeof open)[number]): ApprovalRequestView => {
    const action = governedActionSchema.parse(r.params);
    return {
      id: r.id,
      kind: action.kind,
      label: GOVERNED_KIND_LABELS[action.kind],
      action,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      reason: r.reason,
      status: r.status,
      requestedBy: users.get(r.requestedById) ?? { id: r.requestedById, name: "(former member)", email: "" },
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
      decidedAt: r.decidedAt,
      failure: r.failure,
      approvalsNeeded: r.approvalsNeeded,
      decisions: r.decisions.map((d) => ({
        userId: d.userId,
        name: users.get(d.userId)?.name ?? "(former member)",
        approve: d.approve,
        comment: d.comment,
        at: d.createdAt,
      })),
    };
  };
  return { open: open.map(view), closed: closed.map(view) };
}
