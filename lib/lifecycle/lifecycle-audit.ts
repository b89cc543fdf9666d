import type { RequestMeta } from "@/lib/audit/append-audit";
import type { JsonValue } from "@/lib/audit/canonical-json";

/** Who does a lifecycle action: the requester, and under dual control the admins who approved it. */
export type LifecycleActor = {
  orgId: string;
  userId: string;
  request: RequestMeta;
  approval?: { requestId: string; approvedBy: string[] };
};

/** The approval facts every executed lifecycle entry carries (absent when dual control is off). */
export function approvalFacts(actor: LifecycleActor): { [key: string]: JsonValue } {
  return actor.approval === undefined
    ? {}
    : { approvalRequestId: actor.approval.requestId, approvedBy: actor.approval.approvedBy };
}
