/**
 * Sealing jobs: one SealJob row per document of a batch, claimed by a worker in any instance.
 *
 * Claiming: `SELECT … FOR UPDATE SKIP LOCKED` picks due QUEUED jobs and RUNNING jobs whose lease
 * expired (a dead worker's), and the same transaction marks them RUNNING, leased to this worker
 * until now + lease, with `attempts` incremented. The attempt number identifies this try; the
 * worker extends its lease while it works (heartbeat).
 *
 * Exactly once — the rule:
 *  1. The worker signs (sealPdf) in memory.
 *  2. It writes the sealed bytes to the document store, then records the object's key on the job
 *     row (`pendingObjectKey`), conditional on still holding the lease for this attempt.
 *  3. ONE transaction commits the seal: `UPDATE "SealJob" SET status = SEALED … WHERE id = ? AND
 *     leaseOwner = ? AND attempts = ? AND status = RUNNING`; zero rows → the transaction is rolled
 *     back and the written object removed. In that same transaction: the Seal row (the sealed
 *     object's reference), the document's status SEALED and the "seal.created" audit entry.
 *  So a crash (a) after signing, before the write, leaves nothing; (b) after the write, before the
 *  commit, leaves at most one orphan object, whose key the job row holds: the next attempt
 *  removes it before signing again. (c) "after the commit, before the job row is updated" does
 *  not exist: the job row is updated in the commit's transaction. A worker that lost its lease (it
 *  stalled, another took over) finds zero rows at step 2 or 3 and discards its object: never two
 *  seals recorded for one document.
 *
 *  Deviation from a store key derived from job id + attempt: DocumentStore.put chooses its own
 *  random key (and the S3 store is being written against that interface), so the key is recorded
 *  on the job row instead. The window between the store's write and that record (a crash there
 *  leaves an object nothing refers to) is left to a store-wide sweep of unreferenced keys.
 *
 * Errors: a transient key backend error (KeyBackendError with `transient`) or a timeout puts the
 * job back in the queue with exponential backoff until `maxAttempts`; anything else fails the job
 * and its document with the error's user-facing message ("seal.failed"). A key that cannot be
 * used at all (KeyBackendError, CustodyError) stops the rest of its batch, as before: the
 * remaining queued jobs fail with "sealing stopped…", audited as one "seal.refused".
 *
 * PDF work still runs on the main thread here; worker threads (issue 15 item 2) are a later step.
 */
import { createHash, randomUUID } from "node:crypto";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { JsonValue } from "@/lib/audit/canonical-json";
import type { OrgContext } from "@/lib/access/org-context";
import { readSettings } from "@/lib/config/settings";
import { CustodyError } from "@/lib/custody/custody-errors";
import { keyBackendFor } from "@/lib/custody/key-backends";
import type { Db } from "@/lib/db/client";
import type { SealJob } from "@/lib/db/generated/client";
import type { DocumentStore } from "@/lib/documents/document-store";
import { isSignetError, userMessage } from "@/lib/engine/errors";
import { KeyBackendError, type KeyBackend } from "@/lib/engine/keys";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { sealPdf } from "@/lib/engine/seal";
import type { Timestamper } from "@/lib/engine/tsa";
import { log } from "@/lib/log/logger";
import { backendLabel, signetMetrics } from "@/lib/metrics/signet-metrics";
import { auditRefusal } from "@/lib/sealing/audit-refusal";
import { placementSchema, type Placement } from "@/lib/sealing/placement";
import { loadSealingCertificate } from "@/lib/sealing/sealing-certificates";
import { SealingError } from "@/lib/sealing/sealing-errors";

/** Where a test may stop a worker between steps (to simulate a crash, it never resolves). */
export type SealJobStep = "signed" | "written" | "committed";

export type SealWorkerOptions = {
  store: DocumentStore;
  masterKey: MasterKey;
  timestamper?: Timestamper;
  backendFor?: (db: Db, orgId: string, keyId: string, masterKey: MasterKey) => Promise<KeyBackend>;
  publicUrl?: string;
  /** This worker's name in leases; unique per worker. */
  owner: string;
  /** How long a claim lasts without a heartbeat. */
  leaseMs: number;
  /** How often the lease is extended while a document is being sealed; 0: never (a test's crashed worker). */
  heartbeatMs?: number;
  /** The first retry's delay; each further retry doubles it. */
  backoffMs?: number;
  /** The worker's clock (tests move it past a lease instead of waiting). */
  now?: () => Date;
  /** Test-only: awaited between the steps of a seal. */
  afterStep?: (step: SealJobStep, job: SealJob) => Promise<void>;
};

export type SealJobResult = { jobId: string; status: "SEALED" | "FAILED" | "QUEUED" | "LOST" };

const clock = (o: SealWorkerOptions) => (o.now ?? (() => new Date()))();

/** Claims up to `limit` due jobs (optionally of one batch), leased to `owner`. */
export async function claimSealJobs(
  db: Db,
  options: Pick<SealWorkerOptions, "owner" | "leaseMs" | "now">,
  limit = 1,
  batchId?: string,
): Promise<SealJob[]> {
  const now = (options.now ?? (() => new Date()))();
  const until = new Date(now.getTime() + options.leaseMs);
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM "SealJob"
        WHERE ((status = 'QUEUED' AND "nextAttemptAt" <= $1) OR (status = 'RUNNING' AND "leaseExpiresAt" < $1 AND attempts < "maxAttempts"))
          AND ($3::text IS NULL OR "batchId" = $3)
        ORDER BY "createdAt", position
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      now,
      limit,
      batchId ?? null,
    );
    const claimed: SealJob[] = [];
    for (const { id } of rows) {
      claimed.push(
        await tx.sealJob.update({
          where: { id },
          data: { status: "RUNNING", leaseOwner: options.owner, leaseExpiresAt: until, attempts: { increment: 1 } },
        }),
      );
    }
    return claimed;
  });
}

/** Extends this worker's lease of a job; false when the lease was lost (taken over or the job cancelled). */
export async function extendLease(db: Db, job: SealJob, options: SealWorkerOptions): Promise<boolean> {
  const { count } = await db.sealJob.updateMany({
    where: { id: job.id, leaseOwner: options.owner, attempts: job.attempts, status: "RUNNING" },
    data: { leaseExpiresAt: new Date(clock(options).getTime() + options.leaseMs) },
  });
  return count === 1;
}

class LeaseLost extends Error {
  constructor() {
    super("the job's lease was lost");
  }
}

const leased = (job: SealJob, options: SealWorkerOptions) => ({
  id: job.id,
  leaseOwner: options.owner,
  attempts: job.attempts,
  status: "RUNNING" as const,
});

function isTransient(error: unknown): boolean {
  if (error instanceof KeyBackendError) return error.transient;
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** Runs one claimed job to its end (sealed, failed, or back in the queue for a retry). */
export async function runSealJob(db: Db, job: SealJob, options: SealWorkerOptions): Promise<SealJobResult> {
  const heartbeatMs = options.heartbeatMs ?? Math.floor(options.leaseMs / 3);
  let lost = false;
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          extendLease(db, job, options).then(
            (held) => void (lost ||= !held),
            () => undefined,
          );
        }, heartbeatMs)
      : undefined;
  heartbeat?.unref();
  const metrics = signetMetrics();
  let custody = "unknown";
  try {
    const started = performance.now();
    custody = await sealJob(db, job, options, () => lost);
    metrics.seals.inc({ backend: custody, outcome: "sealed" });
    metrics.sealSeconds.observe({ backend: custody }, (performance.now() - started) / 1000);
    await options.afterStep?.("committed", job);
    return { jobId: job.id, status: "SEALED" };
  } catch (error) {
    if (error instanceof LeaseLost) return { jobId: job.id, status: "LOST" };
    return await handleFailure(db, job, options, error);
  } finally {
    if (heartbeat !== undefined) clearInterval(heartbeat);
    await finishBatchIfDone(db, job.batchId);
  }
}

/** Seals the job's document; returns the key's custody label (for metrics). */
async function sealJob(db: Db, job: SealJob, options: SealWorkerOptions, lost: () => boolean): Promise<string> {
  const { store } = options;
  // A predecessor attempt's uncommitted object (it crashed or stalled after writing) goes first.
  if (job.pendingObjectKey !== null) {
    await store.remove(job.pendingObjectKey);
    const { count } = await db.sealJob.updateMany({ where: leased(job, options), data: { pendingObjectKey: null } });
    if (count === 0) throw new LeaseLost();
  }
  const [document, batch, user, org] = await Promise.all([
    db.document.findFirstOrThrow({ where: { id: job.documentId, orgId: job.orgId } }),
    db.sealBatch.findUniqueOrThrow({ where: { id: job.batchId } }),
    db.user.findUniqueOrThrow({ where: { id: job.requestedById }, select: { name: true } }),
    db.organization.findUniqueOrThrow({ where: { id: job.orgId }, select: { name: true } }),
  ]);
  const certificate = await loadSealingCertificate(db, job.orgId, job.certificateId, job.requestedById);
  const custody = backendLabel(certificate.keyBackend);
  const original = await store.get(document.storageKey);
  if (createHash("sha256").update(original).digest("hex") !== document.sha256) {
    throw new SealingError(
      "sealing.document_unavailable",
      "The stored original no longer matches the fingerprint taken at upload, so it was not sealed. Upload it again.",
    );
  }
  const placement: Placement = job.placement === null ? null : placementSchema.parse(job.placement);
  const backend = await (options.backendFor ?? keyBackendFor)(db, job.orgId, certificate.keyId, options.masterKey);
  // The seal's id is chosen before signing, so the stamp can lead recipients to its public page.
  const sealId = randomUUID();
  const publicUrl = options.publicUrl ?? readSettings().publicUrl;
  let result: Awaited<ReturnType<typeof sealPdf>>;
  try {
    result = await sealPdf(original, {
      backend,
      certificate: certificate.certificate,
      chain: certificate.chain,
      placement: placement ?? undefined,
      signer: {
        name: user.name,
        organisation: org.name,
        verifyUrl: `${publicUrl.replace(/\/+$/, "")}/verify/${sealId}`,
      },
      reason: job.reason ?? undefined,
      location: job.location ?? undefined,
      timestamper: options.timestamper,
    });
  } finally {
    // PKCS#11 sessions and KMS clients are released whatever happened.
    await backend.close?.();
  }
  await options.afterStep?.("signed", job);
  if (lost()) throw new LeaseLost();

  const stored = await store.put([result.original, result.update]);
  const recorded = await db.sealJob.updateMany({ where: leased(job, options), data: { pendingObjectKey: stored.key } });
  if (recorded.count === 0) {
    await store.remove(stored.key).catch(() => undefined);
    throw new LeaseLost();
  }
  await options.afterStep?.("written", job);

  const requestMeta = (job.requestMeta ?? {}) as RequestMeta;
  try {
    await db.$transaction(async (tx) => {
      const claimed = await tx.sealJob.updateMany({
        where: leased(job, options),
        data: {
          status: "SEALED",
          sealId,
          pendingObjectKey: null,
          leaseOwner: null,
          leaseExpiresAt: null,
          lastErrorCode: null,
          lastErrorMessage: null,
        },
      });
      if (claimed.count === 0) throw new LeaseLost();
      await tx.seal.create({
        data: {
          id: sealId,
          orgId: job.orgId,
          documentId: document.id,
          batchId: job.batchId,
          certificateId: certificate.id,
          certificateSha256: certificate.sha256,
          fieldName: result.fieldName,
          sealedSha256: stored.sha256,
          storageKey: stored.key,
          size: stored.size,
          timestampTime: result.timestamp?.genTime ?? null,
          signatureSha256: result.cmsSha256,
          sealedById: job.requestedById,
          sealedAt: result.signingTime,
        },
      });
      await tx.document.update({ where: { id: document.id }, data: { status: "SEALED", failure: null } });
      await appendAudit(tx, {
        orgId: job.orgId,
        actorId: job.requestedById,
        action: "seal.created",
        subjectType: "document",
        subjectId: document.id,
        data: {
          sealId,
          batchId: job.batchId,
          jobId: job.id,
          attempt: job.attempts,
          fileName: document.fileName,
          sha256Before: document.sha256,
          sha256After: stored.sha256,
          certificateId: certificate.id,
          certificateSha256: certificate.sha256,
          fieldName: result.fieldName,
          signatureSha256: result.cmsSha256,
          placement: placement as JsonValue,
          timestampTime: result.timestamp?.genTime.toISOString() ?? null,
          stepUpMethod: batch.stepUpMethod,
          credentialId: batch.credentialId,
        },
        request: requestMeta,
      });
    });
  } catch (error) {
    await store.remove(stored.key).catch(() => undefined);
    if (!(error instanceof LeaseLost))
      await db.sealJob
        .updateMany({ where: leased(job, options), data: { pendingObjectKey: null } })
        .catch(() => undefined);
    throw error;
  }
  return custody;
}

async function handleFailure(db: Db, job: SealJob, options: SealWorkerOptions, error: unknown): Promise<SealJobResult> {
  const message = userMessage(error);
  const code = isSignetError(error) ? error.code : "internal";
  if (!isSignetError(error))
    log.error(
      {
        err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
        jobId: job.id,
        documentId: job.documentId,
      },
      "sealing a document failed",
    );
  if (isTransient(error) && job.attempts < job.maxAttempts) {
    const delay = (options.backoffMs ?? 5_000) * 2 ** (job.attempts - 1);
    const { count } = await db.sealJob.updateMany({
      where: leased(job, options),
      data: {
        status: "QUEUED",
        leaseOwner: null,
        leaseExpiresAt: null,
        nextAttemptAt: new Date(clock(options).getTime() + delay),
        lastErrorCode: code,
        lastErrorMessage: message,
      },
    });
    log.warn({ jobId: job.id, attempt: job.attempts, code, retryInMs: delay }, "sealing will be retried");
    return { jobId: job.id, status: count === 1 ? "QUEUED" : "LOST" };
  }
  const failed = await failJobs(db, [job], { message, code, leasedBy: options.owner });
  if (failed === 0) return { jobId: job.id, status: "LOST" };
  signetMetrics().seals.inc({ backend: await custodyOf(db, job), outcome: "failed" });
  if (error instanceof KeyBackendError || error instanceof CustodyError) await stopBatch(db, job, error, message);
  return { jobId: job.id, status: "FAILED" };
}

async function custodyOf(db: Db, job: SealJob): Promise<string> {
  const row = await db.signingCertificate.findUnique({
    where: { id: job.certificateId },
    select: { key: { select: { backend: true } } },
  });
  return row === null ? "unknown" : backendLabel(row.key.backend);
}

/**
 * The key's backend refused (KMS access denied, HSM unreachable, key destroyed…): every remaining
 * document of the batch would fail the same way, so its queued jobs fail with that reason.
 */
async function stopBatch(db: Db, job: SealJob, error: unknown, message: string): Promise<void> {
  const rest = await db.sealJob.findMany({
    where: { batchId: job.batchId, status: "QUEUED" },
    orderBy: { position: "asc" },
  });
  const stopped = `Not sealed: sealing stopped because the signing key could not be used (${message})`;
  const count = await failJobs(db, rest, { message: stopped, code: "sealing.stopped" });
  if (count > 0) signetMetrics().seals.inc({ backend: await custodyOf(db, job), outcome: "failed" }, count);
  const batch = await db.sealBatch.findUniqueOrThrow({ where: { id: job.batchId } });
  const ctx = { orgId: job.orgId, userId: job.requestedById } as OrgContext;
  await auditRefusal(
    db,
    ctx,
    error,
    {
      stage: "seal",
      certificateId: job.certificateId,
      documentIds: [job.documentId, ...rest.map((r) => r.documentId)],
      batchId: job.batchId,
      stepUp: { method: batch.stepUpMethod, credentialId: batch.credentialId },
    },
    (job.requestMeta ?? {}) as RequestMeta,
  );
}

/**
 * Fails jobs and their documents (FAILED with the message, "seal.failed"), each in one
 * transaction, conditional on the job still being this worker's (leasedBy) or still queued.
 * Returns how many were failed.
 */
export async function failJobs(
  db: Db,
  jobs: SealJob[],
  failure: {
    message: string;
    code: string;
    leasedBy?: string;
    actorId?: string;
    audit?: RequestMeta;
    /** Removes a failed job's uncommitted object. */
    store?: DocumentStore;
  },
): Promise<number> {
  let count = 0;
  for (const job of jobs) {
    const done = await db.$transaction(async (tx) => {
      const where =
        failure.leasedBy !== undefined
          ? { id: job.id, leaseOwner: failure.leasedBy, attempts: job.attempts, status: "RUNNING" as const }
          : { id: job.id, status: job.status, attempts: job.attempts };
      const { count: moved } = await tx.sealJob.updateMany({
        where,
        data: {
          status: "FAILED",
          leaseOwner: null,
          leaseExpiresAt: null,
          lastErrorCode: failure.code,
          lastErrorMessage: failure.message,
        },
      });
      if (moved === 0) return false;
      const document = await tx.document.update({
        where: { id: job.documentId },
        data: { status: "FAILED", failure: failure.message },
      });
      const [batch, certificate] = await Promise.all([
        tx.sealBatch.findUniqueOrThrow({ where: { id: job.batchId } }),
        tx.signingCertificate.findUnique({ where: { id: job.certificateId }, select: { sha256: true } }),
      ]);
      await appendAudit(tx, {
        orgId: job.orgId,
        actorId: failure.actorId ?? job.requestedById,
        action: "seal.failed",
        subjectType: "document",
        subjectId: job.documentId,
        data: {
          batchId: job.batchId,
          jobId: job.id,
          fileName: document.fileName,
          sha256Before: document.sha256,
          certificateId: job.certificateId,
          certificateSha256: certificate?.sha256 ?? null,
          reason: failure.code,
          message: failure.message,
          stepUpMethod: batch.stepUpMethod,
          credentialId: batch.credentialId,
        },
        request: failure.audit ?? ((job.requestMeta ?? {}) as RequestMeta),
      });
      return true;
    });
    if (done) count += 1;
    if (done && job.pendingObjectKey !== null) await failure.store?.remove(job.pendingObjectKey).catch(() => undefined);
  }
  return count;
}

/** Marks the batch finished once none of its jobs is queued or running. */
export async function finishBatchIfDone(db: Db, batchId: string): Promise<void> {
  const open = await db.sealJob.count({ where: { batchId, status: { in: ["QUEUED", "RUNNING"] } } });
  if (open === 0)
    await db.sealBatch.updateMany({ where: { id: batchId, finishedAt: null }, data: { finishedAt: new Date() } });
}

/**
 * A running job whose lease ran out with no attempt left (its worker died on the last try) is
 * failed, so its document does not stay SEALING. Other expired jobs are simply claimed again.
 */
export async function failExhaustedJobs(db: Db, store?: DocumentStore, now = new Date()): Promise<number> {
  const exhausted = await db.sealJob.findMany({
    where: { status: "RUNNING", leaseExpiresAt: { lt: now } },
  });
  const due = exhausted.filter((j) => j.attempts >= j.maxAttempts);
  const count = await failJobs(db, due, {
    store,
    code: "sealing.interrupted",
    message: "Not sealed: sealing was interrupted too many times. Try sealing it again.",
  });
  for (const batchId of new Set(due.map((j) => j.batchId))) await finishBatchIfDone(db, batchId);
  return count;
}

/** Claims and runs due jobs one by one until none is left (of one batch, if given); for tests, the CLI and sealDocuments. */
export async function drainSealJobs(db: Db, options: SealWorkerOptions, batchId?: string): Promise<SealJobResult[]> {
  const results: SealJobResult[] = [];
  for (;;) {
    await failExhaustedJobs(db, options.store, clock(options));
    const [job] = await claimSealJobs(db, options, 1, batchId);
    if (job === undefined) return results;
    results.push(await runSealJob(db, job, options));
  }
}

export const newWorkerName = (prefix = "worker"): string => `${prefix}-${randomUUID()}`;

/**
 * Documents left SEALING with no queued or running job: a batch sealed inside a request before
 * sealing jobs existed, whose server was killed mid-way (issue 15). In this version a document is
 * SEALING exactly while it has such a job (both change in one transaction), so these are failed
 * with a reason ("seal.failed", reason sealing.interrupted) and can be sealed again. Run at a
 * worker's start and every few minutes. Returns how many were failed.
 */
export async function failOrphanedSealing(db: Db, limit = 100): Promise<number> {
  const message = "Not sealed: sealing was interrupted (the server stopped during the batch). Seal it again.";
  const orphans = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT d.id FROM "Document" d
      WHERE d.status = 'SEALING'
        AND NOT EXISTS (SELECT 1 FROM "SealJob" j WHERE j."documentId" = d.id AND j.status IN ('QUEUED', 'RUNNING'))
      LIMIT $1`,
    limit,
  );
  let count = 0;
  for (const { id } of orphans) {
    const done = await db.$transaction(async (tx) => {
      const active = await tx.sealJob.count({ where: { documentId: id, status: { in: ["QUEUED", "RUNNING"] } } });
      if (active > 0) return false;
      const { count: moved } = await tx.document.updateMany({
        where: { id, status: "SEALING" },
        data: { status: "FAILED", failure: message },
      });
      if (moved === 0) return false;
      const document = await tx.document.findUniqueOrThrow({ where: { id } });
      await appendAudit(tx, {
        orgId: document.orgId,
        actorId: null,
        action: "seal.failed",
        subjectType: "document",
        subjectId: id,
        data: { fileName: document.fileName, sha256Before: document.sha256, reason: "sealing.interrupted", message },
      });
      return true;
    });
    if (done) count += 1;
  }
  return count;
}
