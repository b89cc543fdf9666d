import type { RequestMeta } from "../audit/append-audit";
import type { OrgContext } from "../access/org-context";
import type { Db } from "../db/client";
import type { DocumentStore } from "../documents/document-store";
import { auditRefusal } from "./audit-refusal";
import { checkPlacement } from "./check-placement";
import type { SealRequestInput } from "./seal-request";
import type { IssuedStepUp, SealStepUp } from "./seal-step-up";
import { checkSealRequest } from "./sealing-context";

export type PreparedSeal = IssuedStepUp & { documents: { id: string; fileName: string }[]; certificateSubject: string };

/**
 * Step one of a seal: check the request against the server's records (signer role,
 * certificate, documents, placements on real pages), build the manifest from those records,
 * and ask the step-up (seal-step-up.ts) for a challenge bound to it. Nothing is sealed yet.
 */
export async function prepareSeal(db: Db, store: DocumentStore, session: OrgContext, input: SealRequestInput, stepUp: SealStepUp, audit: RequestMeta): Promise<PreparedSeal> {
  const checked = await checkSealRequest(db, session, input, "prepare", audit);
  try {
    for (const [i, document] of checked.documents.entries()) {
      const placement = checked.request.documents[i]?.placement ?? null;
      if (placement !== null) checkPlacement(await store.get(document.storageKey), placement, document.fileName);
    }
  } catch (error) {
    await auditRefusal(db, checked.ctx, error, { stage: "prepare", certificateId: checked.certificate.id, documentIds: checked.documents.map((d) => d.id) }, audit);
    throw error;
  }
  const issued = await stepUp.issue(db, checked.ctx, checked.manifest, audit);
  return { ...issued, documents: checked.documents.map((d) => ({ id: d.id, fileName: d.fileName })), certificateSubject: checked.certificate.subject };
}
