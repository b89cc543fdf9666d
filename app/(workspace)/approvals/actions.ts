"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { approveRequest, cancelRequest, rejectRequest, type DecisionOutcome } from "@/lib/approvals/decide-request";
import { submitGovernedAction } from "@/lib/approvals/submit-action";
import { failure, formValues, type ActionState } from "@/app/_server/action-state";
import { outcomeMessage } from "@/app/_server/governed-messages";
import { requestMeta } from "@/app/_server/request-meta";
import { requireOrgPermission } from "@/app/_server/session";

const decisionSchema = z.object({
  requestId: z.string().uuid("That request does not exist."),
  decision: z.enum(["approve", "reject", "cancel"]),
  comment: z.string().trim().max(500, "Keep the comment under 500 characters.").optional(),
});

const OUTCOME_WORDS: Record<DecisionOutcome["status"], string> = {
  pending: "Approved. More approvals are needed before it is carried out.",
  executed: "Approved and carried out.",
  failed: "Approved, but it could not be carried out",
  expired: "This request had expired; it is now closed and nothing was done.",
  rejected: "Rejected. Nothing was done.",
  cancelled: "Request cancelled.",
};

export async function decideRequestAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("organisation.view");
    const input = decisionSchema.parse({
      requestId: form.get("requestId"),
      decision: form.get("decision"),
      comment: String(form.get("comment") ?? "").trim() || undefined,
    });
    const db = await getDb();
    const meta = await requestMeta();
    const outcome =
      input.decision === "approve"
        ? await approveRequest(db, ctx, input.requestId, input.comment, meta)
        : input.decision === "reject"
          ? await rejectRequest(db, ctx, input.requestId, input.comment, meta)
          : await cancelRequest(db, ctx, input.requestId, meta);
    revalidatePath("/", "layout");
    if (outcome.status === "failed") return { error: `${OUTCOME_WORDS.failed}: ${outcome.failure}` };
    if (outcome.status === "expired") return { error: OUTCOME_WORDS.expired };
    return { ok: true, message: OUTCOME_WORDS[outcome.status] };
  } catch (error) {
    return failure(error);
  }
}

export async function setApprovalsRequiredAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const values = formValues(form, ["approvalsRequired"]);
  try {
    const { ctx } = await requireOrgPermission("settings.manage");
    const outcome = await submitGovernedAction(
      await getDb(),
      ctx,
      { kind: "org.approvals_required", approvalsRequired: Number(values.approvalsRequired) },
      await requestMeta(),
    );
    revalidatePath("/", "layout");
    return { ok: true, message: outcomeMessage("org.approvals_required", outcome) };
  } catch (error) {
    return failure(error, values);
  }
}
