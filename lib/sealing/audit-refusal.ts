import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { JsonValue } from "@/lib/audit/canonical-json";
import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import { isSignetError } from "@/lib/engine/errors";

export type RefusalFacts = {
  stage: "prepare" | "seal";
  certificateId?: string | null;
  documentIds?: readonly string[];
  challengeId?: string | null;
  /** When the refusal came after the step-up: the batch, and how the person confirmed. */
  batchId?: string;
  stepUp?: { method: string; credentialId: string | null };
};

/** Appends "seal.refused" with the reason, in its own transaction (a refusal changes nothing else). */
export async function auditRefusal(
  db: Db,
  ctx: OrgContext,
  error: unknown,
  facts: RefusalFacts,
  request: RequestMeta,
): Promise<void> {
  const data: { [key: string]: JsonValue } = {
    stage: facts.stage,
    reason: isSignetError(error) ? error.code : "internal",
    message: isSignetError(error) ? error.message : "internal error",
    certificateId: facts.certificateId ?? null,
    documentIds: [...(facts.documentIds ?? [])],
    challengeId: facts.challengeId ?? null,
  };
  if (facts.batchId !== undefined) data.batchId = facts.batchId;
  if (facts.stepUp !== undefined) {
    data.stepUpMethod = facts.stepUp.method;
    data.credentialId = facts.stepUp.credentialId;
  }
  await db.$transaction(async (tx) => {
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "seal.refused",
      subjectType: "seal_request",
      data,
      request,
    });
  });
}
