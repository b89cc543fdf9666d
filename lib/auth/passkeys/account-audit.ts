import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { AuditAction } from "@/lib/audit/audit-actions";
import type { JsonValue } from "@/lib/audit/canonical-json";
import type { Tx } from "@/lib/db/client";

/**
 * An event of a person's account (a passkey, a second factor) concerns every organisation they
 * act in: it is appended to the chain of each of their organisations, or to the platform chain
 * when they belong to none. Call it inside the transaction that makes the change.
 */
export async function appendAccountAudit(
  tx: Tx,
  event: {
    userId: string;
    actorId?: string | null;
    action: AuditAction;
    subjectType: string;
    subjectId: string;
    data: { [key: string]: JsonValue };
    request: RequestMeta;
  },
): Promise<void> {
  const memberships = await tx.membership.findMany({
    where: { userId: event.userId },
    select: { orgId: true },
    orderBy: { orgId: "asc" },
  });
  const orgIds = memberships.length === 0 ? [null] : memberships.map((m) => m.orgId);
  for (const orgId of orgIds) {
    await appendAudit(tx, {
      orgId,
      actorId: event.actorId === undefined ? event.userId : event.actorId,
      action: event.action,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      data: event.data,
      request: event.request,
    });
  }
}
