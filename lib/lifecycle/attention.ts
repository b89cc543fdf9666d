import type { OrgContext } from "@/lib/access/org-context";
import { rolesAllow } from "@/lib/access/permissions";
import type { Db } from "@/lib/db/client";
import { EXPIRY_WARNING_DAYS } from "@/lib/lifecycle/certificate-overview";

/** What needs an administrator's attention: certificates expiring soon, requests waiting for their approval. */
export async function lifecycleAttention(db: Db, ctx: OrgContext, now = new Date()) {
  if (!rolesAllow(ctx.roles, "certificates.manage")) return { expiring: [], waitingForYou: 0 };
  const horizon = new Date(now.getTime() + EXPIRY_WARNING_DAYS * 86_400_000);
  const [expiring, waiting] = await Promise.all([
    db.signingCertificate.findMany({
      where: {
        orgId: ctx.orgId,
        state: { in: ["ACTIVE", "INACTIVE"] },
        notAfter: { gt: now, lte: horizon },
        key: { state: "ACTIVE" },
      },
      select: { id: true, subject: true, notAfter: true, state: true },
      orderBy: { notAfter: "asc" },
    }),
    db.approvalRequest.findMany({
      where: { orgId: ctx.orgId, status: "PENDING", expiresAt: { gt: now }, requestedById: { not: ctx.userId } },
      select: { decisions: { select: { userId: true } } },
    }),
  ]);
  return {
    expiring: expiring.map((c) => ({
      ...c,
      daysLeft: Math.floor((c.notAfter.getTime() - now.getTime()) / 86_400_000),
    })),
    waitingForYou: waiting.filter((r) => !r.decisions.some((d) => d.userId === ctx.userId)).length,
  };
}
