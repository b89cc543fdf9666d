import { appendAudit, type RequestMeta } from "../audit/append-audit";
import type { Db } from "../db/client";

export async function recordSignOut(db: Db, userId: string, request: RequestMeta): Promise<void> {
  await db.$transaction(async (tx) => {
    const memberships = await tx.membership.findMany({ where: { userId }, select: { orgId: true }, orderBy: { orgId: "asc" } });
    const orgIds = memberships.length === 0 ? [null] : memberships.map((m) => m.orgId);
    for (const orgId of orgIds) await appendAudit(tx, { orgId, actorId: userId, action: "auth.sign_out", subjectType: "user", subjectId: userId, request });
  });
}
