import type { RequestMeta } from "@/lib/audit/append-audit";
import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import type { DocumentStore } from "@/lib/documents/document-store";
import { auditRefusal } from "@/lib/sealing/audit-refusal";
import { checkPlacement } from "@/lib/sealing/check-placement";
import type { SealRequestInput } from "@/lib/sealing/seal-request";
import type { IssuedStepUp, SealStepUp } from "@/lib/sealing/seal-step-up";
import { checkSealRequest } from "@/lib/sealing/sealing-context";

export type PreparedSeal = IssuedStepUp & { documents: { id: string; fileName: string }[]; certificateSubject: string };

/**
 * Step one of a seal: check the request against the server's records (signer role,
 * certificate, documents, placements on real pages), build the manifest from those records,
 * and ask the step-up (seal-step-up.ts) for a challenge bound to it. Nothing is sealed yet.
 */
export async function prepareSeal(
  db: Db,
  store: DocumentStore,
  session: OrgContext,
  input: SealRequestInput,
  stepUp: SealStepUp,
  audit: RequestMeta,
): Promise<PreparedSeal> {
  const checked = await checkSealRequest(db, session, input, "prepare", audit);
  try {
    for (const [i, document] of checked.documents.entries()) {
      const placement = checked.request.documents[i]?.placement ?? null;
      if (placement !== null) checkPlacement(await store.get(document.storageKey), placement, document.fileName);
    }
  } catch (error) {
    await auditRefusal(
      db,
      checked.ctx,
      error,
      { stage: "prepare", certificateId: checked.certificate.id, documentIds: checked.documents.map((d) => d.id) },
      audit,
    );
    throw error;
  }
  const issued = await stepUp.issue(db, checked.ctx, checked.manifest, audit);
  return {
    ...issued,
    documents: checked.documents.map((d) => ({ id: d.id, fileName: d.fileName })),
    certificateSubject: checked.certificate.subject,
  };
}
