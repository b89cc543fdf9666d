import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { JsonValue } from "@/lib/audit/canonical-json";
import type { OrgContext } from "@/lib/access/org-context";
import { readSettings } from "@/lib/config/settings";
import { keyBackendFor } from "@/lib/custody/key-backends";
import type { Db } from "@/lib/db/client";
import type { DocumentStore } from "@/lib/documents/document-store";
import type { KeyBackend } from "@/lib/engine/keys";
import type { MasterKey } from "@/lib/engine/keys/platform";
import type { Timestamper } from "@/lib/engine/tsa";
import { auditRefusal } from "@/lib/sealing/audit-refusal";
import type { SealRequestInput } from "@/lib/sealing/seal-request";
import type { ConsumedStepUp } from "@/lib/auth/step-up/step-up-factors";
import type { StepUpResponse } from "@/lib/auth/step-up/step-up-response";
import type { SealStepUp } from "@/lib/sealing/seal-step-up";
import { drainSealJobs, newWorkerName } from "@/lib/sealing/seal-jobs";
import { checkSealRequest, SEALABLE_STATUSES, type CheckedSealRequest } from "@/lib/sealing/sealing-context";
import { SealingError } from "@/lib/sealing/sealing-errors";

export type SealingDependencies = {
  stepUp: SealStepUp;
  masterKey: MasterKey;
  /** With a timestamper, seals are PAdES B-T. */
  timestamper?: Timestamper;
  /** The key backend of a certificate's key; default lib/custody's keyBackendFor. */
  backendFor?: (db: Db, orgId: string, keyId: string, masterKey: MasterKey) => Promise<KeyBackend>;
  /** Where recipients verify a seal: the stamp carries `${publicUrl}/verify/${sealId}` (QR code and text). Default SIGNET_PUBLIC_URL. */
  publicUrl?: string;
  /** Attempts per document before a transient failure fails it; default SIGNET_SEAL_MAX_ATTEMPTS. */
  maxAttempts?: number;
  /** Retry delay of sealDocuments' in-process worker (the first; doubled each time). */
  backoffMs?: number;
};

export type DocumentOutcome =
  | {
      documentId: string;
      fileName: string;
      status: "SEALED";
      sealId: string;
      sha256Before: string;
      sha256After: string;
      size: number;
    }
  | { documentId: string; fileName: string; status: "FAILED"; failure: string };

export type RequestedBatch = {
  batchId: string;
  certificateSha256: string;
  stepUp: ConsumedStepUp;
  /** In the order of the request. */
  documentIds: string[];
};

export type BatchOutcome = {
  batchId: string;
  certificateSha256: string;
  stepUp: ConsumedStepUp;
  documents: DocumentOutcome[];
};

/**
 * Step two of a seal. Reads everything again (signer role, certificate, documents), rebuilds
 * the manifest from the server's records, opens the key's backend (to refuse a key that cannot
 * be used before anything is consumed), and only then consumes the step-up (seal-step-up checks
 * the assertion or TOTP code against the challenge bound to that manifest, single-use).
 * Refusals up to here are audited as "seal.refused" and nothing is queued.
 *
 * Then, in one transaction: every document moves to SEALING, the batch row and one SealJob per
 * document are written, and "seal.requested" is audited. Workers (lib/sealing/seal-jobs.ts, run
 * by every instance) seal the documents; nothing waits for them here.
 */
export async function requestSeal(
  db: Db,
  session: OrgContext,
  input: { challengeId: string; request: SealRequestInput; response: StepUpResponse },
  deps: SealingDependencies,
  audit: RequestMeta,
): Promise<RequestedBatch> {
  const checked = await checkSealRequest(db, session, input.request, "seal", audit, input.challengeId);
  const { ctx, certificate } = checked;
  const documentIds = checked.documents.map((d) => d.id);
  const refusalFacts = {
    stage: "seal" as const,
    certificateId: certificate.id,
    documentIds,
    challengeId: input.challengeId,
  };

  let backend: KeyBackend;
  try {
    backend = await (deps.backendFor ?? keyBackendFor)(db, ctx.orgId, certificate.keyId, deps.masterKey);
  } catch (error) {
    await auditRefusal(db, ctx, error, refusalFacts, audit);
    throw error;
  }
  let stepUp: ConsumedStepUp;
  try {
    // Refusals of the step-up itself (bad, reused or expired assertion, another manifest) are audited by the step-up (seal-step-up.ts).
    stepUp = await deps.stepUp.consume(
      db,
      ctx,
      { challengeId: input.challengeId, manifest: checked.manifest, response: input.response },
      audit,
    );
  } finally {
    // PKCS#11 sessions and KMS clients are released whatever happened; the workers open their own.
    await backend.close?.();
  }

  const batchId = await startBatch(db, checked, input.challengeId, stepUp, {
    maxAttempts: deps.maxAttempts ?? readSettings().sealMaxAttempts,
    audit,
  }).catch(async (error: unknown) => {
    await auditRefusal(db, ctx, error, refusalFacts, audit);
    throw error;
  });
  return { batchId, certificateSha256: certificate.sha256, stepUp, documentIds };
}

/**
 * requestSeal, then the batch's jobs sealed here and now by an in-process worker, and the outcome
 * of each document read back: for the CLI-like callers and tests that want a whole batch at once.
 * The server's action only requests; its instances' workers seal.
 */
export async function sealDocuments(
  db: Db,
  store: DocumentStore,
  session: OrgContext,
  input: { challengeId: string; request: SealRequestInput; response: StepUpResponse },
  deps: SealingDependencies,
  audit: RequestMeta,
): Promise<BatchOutcome> {
  const requested = await requestSeal(db, session, input, deps, audit);
  await drainSealJobs(
    db,
    {
      store,
      masterKey: deps.masterKey,
      timestamper: deps.timestamper,
      backendFor: deps.backendFor,
      publicUrl: deps.publicUrl,
      owner: newWorkerName("in-process"),
      leaseMs: readSettings().sealLeaseSeconds * 1000,
      backoffMs: deps.backoffMs,
    },
    requested.batchId,
  );
  return { ...requested, documents: await batchOutcomes(db, requested.batchId) };
}

/** Each document of a batch as its job left it, in the order of the request. */
export async function batchOutcomes(db: Db, batchId: string): Promise<DocumentOutcome[]> {
  const jobs = await db.sealJob.findMany({ where: { batchId }, orderBy: { position: "asc" } });
  const [documents, seals] = await Promise.all([
    db.document.findMany({ where: { id: { in: jobs.map((j) => j.documentId) } } }),
    db.seal.findMany({ where: { batchId } }),
  ]);
  const byId = new Map(documents.map((d) => [d.id, d]));
  const sealOf = new Map(seals.map((s) => [s.documentId, s]));
  return jobs.map((job): DocumentOutcome => {
    const document = byId.get(job.documentId);
    const fileName = document?.fileName ?? "";
    const seal = sealOf.get(job.documentId);
    if (job.status === "SEALED" && seal !== undefined && document !== undefined)
      return {
        documentId: job.documentId,
        fileName,
        status: "SEALED",
        sealId: seal.id,
        sha256Before: document.sha256,
        sha256After: seal.sealedSha256,
        size: seal.size,
      };
    return {
      documentId: job.documentId,
      fileName,
      status: "FAILED",
      failure: job.lastErrorMessage ?? `Not sealed yet (${job.status.toLowerCase()}).`,
    };
  });
}

/**
 * The batch row, every document moved to SEALING, its jobs and "seal.requested", at once: a
 * document another batch took meanwhile refuses this one (and the partial unique index on
 * SealJob refuses a second queued job for a document).
 */
async function startBatch(
  db: Db,
  checked: CheckedSealRequest,
  challengeId: string,
  stepUp: ConsumedStepUp,
  options: { maxAttempts: number; audit: RequestMeta },
): Promise<string> {
  const { ctx, certificate, request } = checked;
  return db.$transaction(async (tx) => {
    const ids = checked.documents.map((d) => d.id);
    const moved = await tx.document.updateMany({
      where: { id: { in: ids }, orgId: ctx.orgId, status: { in: [...SEALABLE_STATUSES] } },
      data: { status: "SEALING", failure: null },
    });
    if (moved.count !== ids.length)
      throw new SealingError(
        "sealing.busy",
        "A document of this batch was sealed or is being sealed by another request. Nothing was sealed.",
      );
    const batch = await tx.sealBatch.create({
      data: {
        orgId: ctx.orgId,
        sealedById: ctx.userId,
        certificateId: certificate.id,
        challengeId,
        stepUpMethod: stepUp.method,
        credentialId: stepUp.credentialId,
      },
    });
    const requestMeta = {
      ip: options.audit.ip ?? null,
      userAgent: options.audit.userAgent ?? null,
      requestId: options.audit.requestId ?? null,
    };
    await tx.sealJob.createMany({
      data: request.documents.map((d, position) => ({
        batchId: batch.id,
        documentId: d.documentId,
        orgId: ctx.orgId,
        requestedById: ctx.userId,
        certificateId: certificate.id,
        position,
        placement: d.placement === null ? undefined : (d.placement as JsonValue as object),
        reason: request.reason,
        location: request.location,
        requestMeta,
        maxAttempts: options.maxAttempts,
      })),
    });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "seal.requested",
      subjectType: "seal_batch",
      subjectId: batch.id,
      data: {
        batchId: batch.id,
        challengeId,
        certificateId: certificate.id,
        certificateSha256: certificate.sha256,
        documentIds: ids,
        stepUpMethod: stepUp.method,
        credentialId: stepUp.credentialId,
      },
      request: options.audit,
    });
    return batch.id;
  });
}
