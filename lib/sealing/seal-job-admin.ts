import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { OrgContext } from "@/lib/access/org-context";
import { rolesAllow } from "@/lib/access/permissions";
import type { Db } from "@/lib/db/client";
import type { SealJob } from "@/lib/db/generated/client";
import type { SealJobStatus } from "@/lib/db/generated/enums";
import { finishBatchIfDone } from "@/lib/sealing/seal-jobs";
import { loadSealingCertificate } from "@/lib/sealing/sealing-certificates";
import { SealingError } from "@/lib/sealing/sealing-errors";

/** Who retries or cancels: an operator on the command line, or a signer in the web app. */
export type JobActor =
  { kind: "operator"; user: string; host: string } | { kind: "member"; ctx: OrgContext; request: RequestMeta };

export type JobSelector = { jobId: string } | { batchId: string };

const RETRYABLE: SealJobStatus[] = ["FAILED", "CANCELLED"];
const CANCELLABLE: SealJobStatus[] = ["QUEUED", "RUNNING"];

/** Sealing jobs, newest first, optionally of one status (for `signet jobs list`). */
export async function listSealJobs(
  db: Db,
  filter: { status?: SealJobStatus; limit?: number } = {},
): Promise<SealJob[]> {
  return db.sealJob.findMany({
    where: filter.status === undefined ? {} : { status: filter.status },
    orderBy: [{ createdAt: "desc" }, { position: "asc" }],
    take: filter.limit ?? 200,
  });
}

function selected(selector: JobSelector, statuses: SealJobStatus[]) {
  return "jobId" in selector
    ? { id: selector.jobId, status: { in: statuses } }
    : { batchId: selector.batchId, status: { in: statuses } };
}

function auditActor(actor: JobActor) {
  return actor.kind === "operator"
    ? { actorId: null, operator: { user: actor.user, host: actor.host }, request: {} }
    : { actorId: actor.ctx.userId, operator: null, request: actor.request };
}

/**
 * Puts failed or cancelled jobs back in the queue with a fresh set of attempts; their documents
 * go back to SEALING. A document sealed or queued since (by another batch) is skipped. Each
 * retry is audited ("seal_job.retried") in its own transaction. Returns the jobs retried.
 */
export async function retrySealJobs(db: Db, selector: JobSelector, actor: JobActor): Promise<SealJob[]> {
  const jobs = await db.sealJob.findMany({ where: selected(selector, RETRYABLE), orderBy: { position: "asc" } });
  const retried: SealJob[] = [];
  for (const job of jobs) {
    const row = await db.$transaction(async (tx) => {
      const moved = await tx.document.updateMany({
        where: { id: job.documentId, orgId: job.orgId, status: { in: ["FAILED", "UPLOADED"] } },
        data: { status: "SEALING", failure: null },
      });
      if (moved.count === 0) return null;
      const { count } = await tx.sealJob.updateMany({
        where: { id: job.id, status: job.status },
        data: {
          status: "QUEUED",
          attempts: 0,
          nextAttemptAt: new Date(),
          leaseOwner: null,
          leaseExpiresAt: null,
        },
      });
      if (count === 0) throw new SealingError("sealing.busy", "That job changed meanwhile; nothing was retried.");
      await tx.sealBatch.update({ where: { id: job.batchId }, data: { finishedAt: null } });
      const who = auditActor(actor);
      await appendAudit(tx, {
        orgId: job.orgId,
        actorId: who.actorId,
        action: "seal_job.retried",
        subjectType: "document",
        subjectId: job.documentId,
        data: {
          jobId: job.id,
          batchId: job.batchId,
          previousStatus: job.status,
          lastErrorCode: job.lastErrorCode,
          operator: who.operator,
        },
        request: who.request,
      });
      return tx.sealJob.findUniqueOrThrow({ where: { id: job.id } });
    });
    if (row !== null) retried.push(row);
  }
  return retried;
}

/**
 * Cancels queued or running jobs: the document is marked FAILED ("cancelled"), so it can be
 * sealed again; a worker still running a cancelled job finds its lease gone and records nothing.
 * Each cancellation is audited ("seal_job.cancelled"). Returns the jobs cancelled.
 */
export async function cancelSealJobs(db: Db, selector: JobSelector, actor: JobActor): Promise<SealJob[]> {
  const jobs = await db.sealJob.findMany({ where: selected(selector, CANCELLABLE), orderBy: { position: "asc" } });
  const message =
    actor.kind === "operator" ? "Not sealed: the operator cancelled sealing it." : "Not sealed: sealing was cancelled.";
  const cancelled: SealJob[] = [];
  for (const job of jobs) {
    const row = await db.$transaction(async (tx) => {
      const { count } = await tx.sealJob.updateMany({
        where: { id: job.id, status: job.status, attempts: job.attempts },
        data: {
          status: "CANCELLED",
          leaseOwner: null,
          leaseExpiresAt: null,
          lastErrorCode: "sealing.cancelled",
          lastErrorMessage: message,
        },
      });
      if (count === 0) return null;
      await tx.document.updateMany({
        where: { id: job.documentId, status: "SEALING" },
        data: { status: "FAILED", failure: message },
      });
      const who = auditActor(actor);
      await appendAudit(tx, {
        orgId: job.orgId,
        actorId: who.actorId,
        action: "seal_job.cancelled",
        subjectType: "document",
        subjectId: job.documentId,
        data: { jobId: job.id, batchId: job.batchId, previousStatus: job.status, operator: who.operator },
        request: who.request,
      });
      return tx.sealJob.findUniqueOrThrow({ where: { id: job.id } });
    });
    if (row !== null) cancelled.push(row);
  }
  for (const batchId of new Set(cancelled.map((j) => j.batchId))) await finishBatchIfDone(db, batchId);
  return cancelled;
}

/**
 * A signer retries one failed document of a batch they asked for: the same permissions as
 * sealing (signer role, fresh from the database; the certificate still usable by them). The
 * retry seals under the batch's step-up, so only its requester may ask for it; anyone else seals
 * the document anew (with a step-up of their own).
 */
export async function retryFailedDocument(
  db: Db,
  ctx: OrgContext,
  documentId: string,
  request: RequestMeta,
): Promise<SealJob> {
  if (!rolesAllow(ctx.roles, "documents.seal"))
    throw new SealingError("sealing.forbidden", "Only members with the signer role can seal documents.", {
      status: 403,
    });
  const job = await db.sealJob.findFirst({
    where: { documentId, orgId: ctx.orgId },
    orderBy: { createdAt: "desc" },
  });
  if (job === null || !RETRYABLE.includes(job.status))
    throw new SealingError("sealing.document_unavailable", "This document has no failed seal to retry.", {
      status: 404,
    });
  if (job.requestedById !== ctx.userId)
    throw new SealingError(
      "sealing.forbidden",
      "Only the person who asked for this seal can retry it. Seal the document again instead.",
      { status: 403 },
    );
  await loadSealingCertificate(db, ctx.orgId, job.certificateId, ctx.userId);
  const [retried] = await retrySealJobs(db, { jobId: job.id }, { kind: "member", ctx, request });
  if (retried === undefined)
    throw new SealingError("sealing.busy", "This document was sealed or queued again meanwhile; nothing was retried.");
  return retried;
}

/** The caller's failed documents that retryFailedDocument would accept: their latest job failed or was cancelled, and they asked for it. */
export async function retryableDocuments(
  db: Db,
  ctx: OrgContext,
): Promise<{ documentId: string; fileName: string; failure: string | null }[]> {
  if (!rolesAllow(ctx.roles, "documents.seal")) return [];
  const failed = await db.document.findMany({
    where: { orgId: ctx.orgId, status: "FAILED" },
    select: { id: true, fileName: true, failure: true },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  const jobs = await db.sealJob.findMany({
    where: { documentId: { in: failed.map((d) => d.id) }, orgId: ctx.orgId },
    orderBy: { createdAt: "desc" },
    select: { documentId: true, status: true, requestedById: true },
  });
  const latest = new Map<string, (typeof jobs)[number]>();
  for (const job of jobs) if (!latest.has(job.documentId)) latest.set(job.documentId, job);
  return failed
    .filter((d) => {
      const job = latest.get(d.id);
      return job !== undefined && RETRYABLE.includes(job.status) && job.requestedById === ctx.userId;
    })
    .map((d) => ({ documentId: d.id, fileName: d.fileName, failure: d.failure }));
}
