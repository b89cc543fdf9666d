"use server";

import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { stepUpResponseSchema } from "@/lib/auth/step-up/step-up-response";
import { processMasterKey } from "@/lib/custody/process-master-key";
import { getDb } from "@/lib/db/client";
import { processDocumentStore } from "@/lib/documents/process-document-store";
import {
  consumeSealStepUp,
  issueSealStepUp,
  prepareSeal,
  requestSeal,
  sealRequestSchema,
  type SealStepUp,
} from "@/lib/sealing";
import { revalidatePath } from "next/cache";
import { authorize } from "@/lib/access/org-context";
import { retryFailedDocument } from "@/lib/sealing/seal-job-admin";
import { failure, type ActionState } from "@/app/_server/action-state";
import { requestMeta } from "@/app/_server/request-meta";
import { requireOrgPermission } from "@/app/_server/session";
import { serverSealWorker } from "@/lib/jobs/server-background-jobs";

const stepUp: SealStepUp = { issue: issueSealStepUp, consume: consumeSealStepUp };

export type PrepareSealResult =
  | {
      ok: true;
      challengeId: string;
      expiresAt: string | null;
      webauthn: PublicKeyCredentialRequestOptionsJSON | null;
      totpAllowed: boolean;
    }
  | { ok: false; error: string };

export type SealDocumentsResult = { ok: true; batchId: string } | { ok: false; error: string };

/**
 * Step one of "Seal": the request (documents, placements, certificate, reason, location) is
 * checked against the server's records and a step-up bound to it is issued. The browser gets
 * only what it needs to ask for the passkey (or a TOTP code).
 */
export async function prepareSealAction(input: unknown): Promise<PrepareSealResult> {
  try {
    const { ctx } = await requireOrgPermission("documents.view");
    const request = sealRequestSchema.parse(input);
    const prepared = await prepareSeal(
      await getDb(),
      processDocumentStore().store,
      ctx,
      request,
      stepUp,
      await requestMeta(),
    );
    return {
      ok: true,
      challengeId: prepared.challengeId,
      expiresAt: prepared.expiresAt?.toISOString() ?? null,
      webauthn: prepared.webauthn,
      totpAllowed: prepared.totpAllowed,
    };
  } catch (error) {
    return { ok: false, error: failure(error).error ?? "The seal could not be prepared." };
  }
}

const sealInputSchema = z.object({
  challengeId: z.string().uuid(),
  request: sealRequestSchema,
  response: stepUpResponseSchema,
});

/**
 * Step two: everything is read and checked again on the server, the step-up is consumed, and
 * only then is the batch queued (one sealing job per document, audited). The action returns at
 * once; the workers of every instance seal, and the page follows the batch's progress from the
 * database (/api/documents/seal-progress). The ids of the user and organisation come from the session.
 */
export async function sealDocumentsAction(input: unknown): Promise<SealDocumentsResult> {
  try {
    const { ctx } = await requireOrgPermission("documents.view");
    const parsed = sealInputSchema.parse(input);
    const requested = await requestSeal(
      await getDb(),
      ctx,
      parsed,
      { stepUp, masterKey: await processMasterKey() },
      await requestMeta(),
    );
    serverSealWorker()?.wake();
    return { ok: true, batchId: requested.batchId };
  } catch (error) {
    return { ok: false, error: failure(error).error ?? "Nothing was sealed." };
  }
}

const retryInputSchema = z.object({ documentId: z.string().uuid("Which document?") });

/**
 * Retry a document whose seal failed: the same permissions as sealing (signer role, read fresh;
 * the certificate still usable), and only by the person who asked for the batch, whose step-up
 * authorised it. Its job goes back in the queue (audited as seal_job.retried).
 */
export async function retrySealAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  try {
    const { ctx } = await requireOrgPermission("documents.view");
    const { documentId } = retryInputSchema.parse({ documentId: form.get("documentId") });
    const db = await getDb();
    await retryFailedDocument(
      db,
      await authorize(db, ctx.userId, ctx.orgId, "organisation.view"),
      documentId,
      await requestMeta(),
    );
    serverSealWorker()?.wake();
    revalidatePath("/documents");
    return { ok: true, message: "Queued again: it will be sealed shortly." };
  } catch (error) {
    return failure(error);
  }
}
