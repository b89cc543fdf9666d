import { createHash, randomUUID } from "node:crypto";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { OrgContext } from "@/lib/access/org-context";
import { readSettings } from "@/lib/config/settings";
import type { Placement } from "@/lib/sealing/placement";
import { CustodyError } from "@/lib/custody/custody-errors";
import { keyBackendFor } from "@/lib/custody/key-backends";
import type { Db } from "@/lib/db/client";
import type { Document } from "@/lib/db/generated/client";
import type { DocumentStore, StoredObject } from "@/lib/documents/document-store";
import { isSignetError, userMessage } from "@/lib/engine/errors";
import { KeyBackendError, type KeyBackend } from "@/lib/engine/keys";
import type { MasterKey } from "@/lib/engine/keys/platform";
import { log } from "@/lib/log/logger";
import { backendLabel, signetMetrics } from "@/lib/metrics/signet-metrics";
import { sealPdf } from "@/lib/engine/seal";
import type { Timestamper } from "@/lib/engine/tsa";
import { auditRefusal } from "@/lib/sealing/audit-refusal";
import type { SealRequestInput } from "@/lib/sealing/seal-request";
import type { ConsumedStepUp } from "@/lib/auth/step-up/step-up-factors";
import type { StepUpResponse } from "@/lib/auth/step-up/step-up-response";
import type { SealStepUp } from "@/lib/sealing/seal-step-up";
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

export type BatchOutcome = {
  batchId: string;
  certificateSha256: string;
  stepUp: ConsumedStepUp;
  documents: DocumentOutcome[];
};

/**
 * Errors of the signing key's backend stop the batch: every remaining document would fail the same way.
 * A CustodyError met while sealing is the key's too: its material was erased during the batch.
 */
function stopsBatch(error: unknown): error is KeyBackendError | CustodyError {
  return error instanceof KeyBackendError || error instanceof CustodyError;
}

/**
 * Step two of a seal. Reads everything again (signer role, certificate, documents), rebuilds
 * the manifest from the server's records, opens the key's backend, and only then consumes
 * the step-up (seal-step-up checks the assertion or TOTP code against the challenge
 * bound to that manifest, single-use). Refusals up to here are audited as "seal.refused" and
 * nothing is sealed.
 *
 * Then each document is sealed in turn: original read back and checked against its SHA-256,
 * sealPdf (the original is a prefix of the result), the sealed bytes stored, and the Seal row,
 * the document's status and "seal.created" written in one transaction. A document that fails
 * is marked FAILED with a plain message and "seal.failed"; the others go on.
 */
export async function sealDocuments(
  db: Db,
  store: DocumentStore,
  session: OrgContext,
  input: { challengeId: string; request: SealRequestInput; response: StepUpResponse },
  deps: SealingDependencies,
  audit: RequestMeta,
): Promise<BatchOutcome> {
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
  let signer: { name: string; organisation: string };
  try {
    const [user, org] = await Promise.all([
      db.user.findUniqueOrThrow({ where: { id: ctx.userId }, select: { name: true } }),
      db.organization.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { name: true } }),
    ]);
    signer = { name: user.name, organisation: org.name };
    backend = await (deps.backendFor ?? keyBackendFor)(db, ctx.orgId, certificate.keyId, deps.masterKey);
  } catch (error) {
    await auditRefusal(db, ctx, error, refusalFacts, audit);
    throw error;
  }
  try {
    return await sealWithBackend({ db, store, checked, input, deps, audit, backend, signer, refusalFacts });
  } finally {
    // PKCS#11 sessions and KMS clients are released whatever happened.
    await backend.close?.();
  }
}

/** Consumes the step-up, then seals each document of the batch with an open backend. */
async function sealWithBackend(batch: {
  db: Db;
  store: DocumentStore;
  checked: CheckedSealRequest;
  input: { challengeId: string; request: SealRequestInput; response: StepUpResponse };
  deps: SealingDependencies;
  audit: RequestMeta;
  backend: KeyBackend;
  signer: { name: string; organisation: string };
  refusalFacts: { stage: "seal"; certificateId: string; documentIds: string[]; challengeId: string };
}): Promise<BatchOutcome> {
  const { db, store, checked, input, deps, audit, backend, signer, refusalFacts } = batch;
  const { ctx, certificate } = checked;

  // Refusals of the step-up itself (bad, reused or expired assertion, another manifest) are audited by the step-up (seal-step-up.ts).
  const stepUp = await deps.stepUp.consume(
    db,
    ctx,
    { challengeId: input.challengeId, manifest: checked.manifest, response: input.response },
    audit,
  );

  const batchId = await startBatch(db, checked, input.challengeId, stepUp).catch(async (error: unknown) => {
    await auditRefusal(db, ctx, error, refusalFacts, audit);
    throw error;
  });

  const outcomes: DocumentOutcome[] = [];
  const metrics = signetMetrics();
  const custody = backendLabel(certificate.keyBackend);
  let stopped: string | null = null;
  for (const [i, document] of checked.documents.entries()) {
    const placement = checked.request.documents[i]?.placement ?? null;
    const job = { db, store, checked, batchId, stepUp, audit };
    if (stopped !== null) {
      outcomes.push(await recordFailure(job, document, stopped, "sealing.stopped"));
      metrics.seals.inc({ backend: custody, outcome: "failed" });
      continue;
    }
    try {
      const started = performance.now();
      outcomes.push(
        await sealOne(job, document, placement, {
          backend,
          signer,
          timestamper: deps.timestamper,
          publicUrl: deps.publicUrl ?? readSettings().publicUrl,
        }),
      );
      metrics.seals.inc({ backend: custody, outcome: "sealed" });
      metrics.sealSeconds.observe({ backend: custody }, (performance.now() - started) / 1000);
    } catch (error) {
      const message = userMessage(error);
      if (!isSignetError(error))
        log.error(
          {
            err:
              error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
            documentId: document.id,
          },
          "sealing a document failed",
        );
      outcomes.push(await recordFailure(job, document, message, isSignetError(error) ? error.code : "internal"));
      metrics.seals.inc({ backend: custody, outcome: "failed" });
      if (stopsBatch(error)) {
        stopped = `Not sealed: sealing stopped because the signing key could not be used (${message})`;
        // The key's backend refused (KMS access denied, HSM unreachable…): the rest of the batch is refused with that reason.
        await auditRefusal(
          db,
          ctx,
          error,
          { ...refusalFacts, documentIds: checked.documents.slice(i).map((d) => d.id), batchId, stepUp },
          audit,
        );
      }
    }
  }
  await db.sealBatch.update({ where: { id: batchId }, data: { finishedAt: new Date() } });
  return { batchId, certificateSha256: certificate.sha256, stepUp, documents: outcomes };
}

type Job = {
  db: Db;
  store: DocumentStore;
  checked: CheckedSealRequest;
  batchId: string;
  stepUp: ConsumedStepUp;
  audit: RequestMeta;
};

/** The batch row and every document moved to SEALING, at once: a document another batch took meanwhile refuses this one. */
async function startBatch(
  db: Db,
  checked: CheckedSealRequest,
  challengeId: string,
  stepUp: ConsumedStepUp,
): Promise<string> {
  const { ctx } = checked;
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
        certificateId: checked.certificate.id,
        challengeId,
        stepUpMethod: stepUp.method,
        credentialId: stepUp.credentialId,
      },
    });
    return batch.id;
  });
}

async function sealOne(
  job: Job,
  document: Document,
  placement: Placement,
  signing: {
    backend: KeyBackend;
    signer: { name: string; organisation: string };
    timestamper?: Timestamper;
    publicUrl: string;
  },
): Promise<DocumentOutcome> {
  const { db, store, checked, batchId, stepUp, audit } = job;
  const { ctx, certificate, request } = checked;
  const original = await store.get(document.storageKey);
  if (createHash("sha256").update(original).digest("hex") !== document.sha256) {
    throw new SealingError(
      "sealing.document_unavailable",
      "The stored original no longer matches the fingerprint taken at upload, so it was not sealed. Upload it again.",
    );
  }
  // The seal's id is chosen before signing, so the stamp can lead recipients to its public page.
  const sealId = randomUUID();
  const result = await sealPdf(original, {
    backend: signing.backend,
    certificate: certificate.certificate,
    chain: certificate.chain,
    placement: placement ?? undefined,
    signer: { ...signing.signer, verifyUrl: `${signing.publicUrl.replace(/\/+$/, "")}/verify/${sealId}` },
    reason: request.reason ?? undefined,
    location: request.location ?? undefined,
    timestamper: signing.timestamper,
  });
  const stored: StoredObject = await store.put([result.original, result.update]);
  try {
    const seal = await db.$transaction(async (tx) => {
      const row = await tx.seal.create({
        data: {
          id: sealId,
          orgId: ctx.orgId,
          documentId: document.id,
          batchId,
          certificateId: certificate.id,
          certificateSha256: certificate.sha256,
          fieldName: result.fieldName,
          sealedSha256: stored.sha256,
          storageKey: stored.key,
          size: stored.size,
          timestampTime: result.timestamp?.genTime ?? null,
          signatureSha256: result.cmsSha256,
          sealedById: ctx.userId,
          sealedAt: result.signingTime,
        },
      });
      await tx.document.update({ where: { id: document.id }, data: { status: "SEALED", failure: null } });
      await appendAudit(tx, {
        orgId: ctx.orgId,
        actorId: ctx.userId,
        action: "seal.created",
        subjectType: "document",
        subjectId: document.id,
        data: {
          sealId: row.id,
          batchId,
          fileName: document.fileName,
          sha256Before: document.sha256,
          sha256After: stored.sha256,
          certificateId: certificate.id,
          certificateSha256: certificate.sha256,
          fieldName: result.fieldName,
          signatureSha256: result.cmsSha256,
          placement,
          timestampTime: result.timestamp?.genTime.toISOString() ?? null,
          stepUpMethod: stepUp.method,
          credentialId: stepUp.credentialId,
        },
        request: audit,
      });
      return row;
    });
    return {
      documentId: document.id,
      fileName: document.fileName,
      status: "SEALED",
      sealId: seal.id,
      sha256Before: document.sha256,
      sha256After: stored.sha256,
      size: stored.size,
    };
  } catch (error) {
    await store.remove(stored.key).catch(() => undefined);
    throw error;
  }
}

async function recordFailure(job: Job, document: Document, message: string, code: string): Promise<DocumentOutcome> {
  const { db, checked, batchId, stepUp, audit } = job;
  const { ctx, certificate } = checked;
  await db.$transaction(async (tx) => {
    await tx.document.update({ where: { id: document.id }, data: { status: "FAILED", failure: message } });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "seal.failed",
      subjectType: "document",
      subjectId: document.id,
      data: {
        batchId,
        fileName: document.fileName,
        sha256Before: document.sha256,
        certificateId: certificate.id,
        certificateSha256: certificate.sha256,
        reason: code,
        message,
        stepUpMethod: stepUp.method,
        credentialId: stepUp.credentialId,
      },
      request: audit,
    });
  });
  return { documentId: document.id, fileName: document.fileName, status: "FAILED", failure: message };
}
