import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import type { DocumentStatus } from "@/lib/db/generated/enums";

export type SealProgress = {
  /** The batch exists once the step-up was accepted. */
  batchId: string | null;
  finished: boolean;
  documents: { id: string; fileName: string; status: DocumentStatus; failure: string | null }[];
};

/**
 * How far a running batch got, for the page that polls while the seal action runs: the batch
 * (found by the step-up challenge the page holds) and the status of the documents it asked
 * about, all within the caller's organisation. The caller was authorised for "documents.view".
 */
export async function sealProgress(
  db: Db,
  ctx: OrgContext,
  challengeId: string,
  documentIds: readonly string[],
): Promise<SealProgress> {
  const [batch, documents] = await Promise.all([
    db.sealBatch.findFirst({ where: { challengeId, orgId: ctx.orgId }, select: { id: true, finishedAt: true } }),
    db.document.findMany({
      where: { id: { in: [...documentIds] }, orgId: ctx.orgId },
      select: { id: true, fileName: true, status: true, failure: true },
    }),
  ]);
  const order = new Map(documentIds.map((id, i) => [id, i]));
  documents.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { batchId: batch?.id ?? null, finished: batch?.finishedAt != null, documents };
}
