import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import { ForbiddenError } from "@/lib/access/access-errors";
import type { OrgContext } from "@/lib/access/org-context";
import { rolesAllow } from "@/lib/access/permissions";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import { UploadTooLargeError } from "@/lib/documents/document-errors";
import type { ByteSource } from "@/lib/streams/bounded-read";
import type { DocumentStore, StoredObject } from "@/lib/documents/document-store";
import { cleanFileName } from "@/lib/documents/file-names";
import { rejection, type PageSize, type UploadRejection } from "@/lib/documents/inspect-pdf";
import { inspectIsolated } from "@/lib/documents/isolated-inspection";

export type UploadInput = {
  /** The name the browser gave; cleaned before use. */
  fileName: string;
  body: ByteSource;
  /** Content-Length, when the client sent one: a body announced as too large is refused unread. */
  declaredSize?: number | null;
};

export type AcceptedUpload = {
  accepted: true;
  document: { id: string; fileName: string; size: number; sha256: string; pageCount: number; pages: PageSize[] };
};
export type RejectedUpload = { accepted: false; fileName: string; reason: UploadRejection; message: string };
export type UploadOutcome = AcceptedUpload | RejectedUpload;

/**
 * Stores one uploaded file and gives its verdict. The body is streamed to the store with the
 * size limit enforced as it arrives (never buffered whole before the limit is known); the
 * stored bytes are then read back with lib/pdf's limits, in a worker thread
 * (isolated-inspection.ts). An accepted file becomes a Document row and a "document.uploaded"
 * entry in one transaction; a refused one leaves no row and no stored bytes, only a
 * "document.rejected" entry. Signers upload: the caller's roles must allow "documents.seal".
 */
export async function uploadDocument(
  db: Db,
  store: DocumentStore,
  ctx: OrgContext,
  input: UploadInput,
  maxBytes: number,
  request: RequestMeta,
): Promise<UploadOutcome> {
  if (!rolesAllow(ctx.roles, "documents.seal")) throw new ForbiddenError("Only signers can upload documents to seal.");
  const fileName = cleanFileName(input.fileName);

  if (input.declaredSize != null && input.declaredSize > maxBytes) {
    return refuse(
      db,
      ctx,
      fileName,
      rejection("too_large", `announced ${input.declaredSize} bytes`, maxBytes),
      { size: input.declaredSize },
      request,
    );
  }

  let stored: StoredObject;
  try {
    stored = await store.put(input.body, { maxBytes });
  } catch (error) {
    if (error instanceof UploadTooLargeError)
      return refuse(db, ctx, fileName, rejection("too_large", "body over the limit", maxBytes), {}, request);
    throw error;
  }

  try {
    const verdict = await inspectIsolated(await store.get(stored.key));
    if (!verdict.ok) {
      await store.remove(stored.key);
      return refuse(db, ctx, fileName, verdict, { size: stored.size, sha256: stored.sha256 }, request);
    }
    const document = await db.$transaction(async (tx) => {
      const row = await tx.document.create({
        data: {
          orgId: ctx.orgId,
          uploadedById: ctx.userId,
          fileName,
          size: stored.size,
          sha256: stored.sha256,
          pageCount: verdict.pageCount,
          storageKey: stored.key,
        },
      });
      await appendAudit(tx, {
        orgId: ctx.orgId,
        actorId: ctx.userId,
        action: "document.uploaded",
        subjectType: "document",
        subjectId: row.id,
        data: { fileName, size: stored.size, sha256: stored.sha256, pageCount: verdict.pageCount },
        request,
      });
      return row;
    });
    return {
      accepted: true,
      document: {
        id: document.id,
        fileName,
        size: stored.size,
        sha256: stored.sha256,
        pageCount: verdict.pageCount,
        pages: verdict.pages,
      },
    };
  } catch (error) {
    // Nothing half-written: without a row, the bytes go too.
    await store
      .remove(stored.key)
      .catch((cleanupError: unknown) =>
        log.error({ err: String(cleanupError), key: stored.key }, "could not remove the bytes of a failed upload"),
      );
    throw error;
  }
}

async function refuse(
  db: Db,
  ctx: OrgContext,
  fileName: string,
  verdict: { reason: UploadRejection; message: string; detail?: string },
  facts: { size?: number; sha256?: string },
  request: RequestMeta,
): Promise<RejectedUpload> {
  await db.$transaction(async (tx) => {
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "document.rejected",
      subjectType: "document",
      data: {
        fileName,
        reason: verdict.reason,
        detail: verdict.detail ?? null,
        size: facts.size ?? null,
        sha256: facts.sha256 ?? null,
      },
      request,
    });
  });
  return { accepted: false, fileName, reason: verdict.reason, message: verdict.message };
}
