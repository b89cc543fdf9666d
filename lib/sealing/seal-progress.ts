import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import type { DocumentStatus, SealJobStatus } from "@/lib/db/generated/enums";

export type SealProgress = {
  /** The batch exists once the step-up was accepted. */
  batchId: string | null;
  finished: boolean;
  documents: {
    id: string;
    fileName: string;
    status: DocumentStatus;
    failure: string | null;
    /** The document's job in this batch: QUEUED (waiting or waiting to retry), RUNNING, SEALED, FAILED, CANCELLED. */
    job: SealJobStatus | null;
    attempts: number;
  }[];
};

/**
 * How far a batch got, for the page that polls it after the seal action queued it: the batch
 * (found by the step-up challenge the page holds; finished once none of its jobs is queued or
 * running), the status of the documents it asked about and of their sealing jobs, all within the
 * caller's organisation. The caller was authorised for "documents.view".
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
  const jobs =
    batch === null
      ? []
      : await db.sealJob.findMany({
          where: { batchId: batch.id, orgId: ctx.orgId },
          select: { documentId: true, status: true, attempts: true, lastErrorMessage: true },
        });
  const jobOf = new Map(jobs.map((j) => [j.documentId, j]));
  const order = new Map(documentIds.map((id, i) => [id, i]));
  documents.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return {
    batchId: batch?.id ?? null,
    finished: batch?.finishedAt != null,
    documents: documents.map((d) => {
      const job = jobOf.get(d.id);
      // A job waiting to retry says why its last attempt failed.
      const retrying = job?.status === "QUEUED" && job.attempts > 0 ? `Retrying: ${job.lastErrorMessage ?? ""}` : null;
      return { ...d, failure: d.failure ?? retrying, job: job?.status ?? null, attempts: job?.attempts ?? 0 };
    }),
  };
}
