import { z } from "zod";
import { appendAudit } from "@/lib/audit/append-audit";
import { NotFoundError } from "@/lib/access/access-errors";
import type { Db } from "@/lib/db/client";
import { checkApprovalsRequired } from "@/lib/approvals/approvals-policy";
import { MAX_APPROVALS_REQUIRED } from "@/lib/approvals/governed-action";

export const operatorOverrideSchema = z.object({
  orgId: z.string().uuid("Give the organisation's id (a UUID)."),
  approvalsRequired: z.coerce
    .number()
    .int()
    .min(1, "At least 1 (dual control off).")
    .max(MAX_APPROVALS_REQUIRED, `At most ${MAX_APPROVALS_REQUIRED}.`),
  reason: z
    .string()
    .trim()
    .min(10, "Give the reason (at least 10 characters): the organisation's auditors will read it.")
    .max(500, "Keep the reason under 500 characters."),
  /** Who ran it, as the operating system knows them. */
  operator: z.object({ user: z.string(), host: z.string() }),
});
export type OperatorOverride = z.infer<typeof operatorOverrideSchema>;

/**
 * Break-glass for the operator who runs Signet: sets an organisation's "approvals required"
 * without the approvals dual control would ask for. It is the way out when the administrators
 * who must approve are gone (they left, or lost every passkey), which would otherwise lock every
 * governed action for good, lowering the policy included. Only the CLI reaches it (whoever runs
 * it can reach the database anyway); it is recorded in the organisation's own chain as
 * org.policy_overridden with the operator's reason, where the organisation's auditors see it.
 * The usual rule still holds: no more approvals than the organisation has administrators.
 */
export async function overrideApprovalsRequired(
  db: Db,
  input: OperatorOverride,
): Promise<{ before: number; after: number }> {
  const override = operatorOverrideSchema.parse(input);
  return db.$transaction(async (tx) => {
    const org = await tx.organization.findUnique({ where: { id: override.orgId }, select: { id: true } });
    if (org === null) throw new NotFoundError("That organisation");
    const before = await checkApprovalsRequired(tx, override.orgId, override.approvalsRequired);
    await tx.organization.update({
      where: { id: override.orgId },
      data: { approvalsRequired: override.approvalsRequired },
    });
    await appendAudit(tx, {
      orgId: override.orgId,
      actorId: null,
      action: "org.policy_overridden",
      subjectType: "organisation",
      subjectId: override.orgId,
      data: {
        approvalsRequired: { before, after: override.approvalsRequired },
        reason: override.reason,
        operator: override.operator,
        via: "signet org approvals",
      },
    });
    return { before, after: override.approvalsRequired };
  });
}
