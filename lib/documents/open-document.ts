import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import { DocumentNotFoundError } from "@/lib/documents/document-errors";
import type { DocumentStore } from "@/lib/documents/document-store";
import { sealedFileName } from "@/lib/documents/file-names";
import { describePages, type PageSize } from "@/lib/documents/inspect-pdf";

export type OpenedFile = { fileName: string; size: number; sha256: string; body: ReadableStream<Uint8Array> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A document of the caller's organisation, or DocumentNotFoundError: an id of another
 * organisation is answered exactly like an id that does not exist. The caller was
 * authorised for "documents.view".
 */
export async function findOwnDocument(db: Db, ctx: OrgContext, documentId: string) {
  if (!UUID.test(documentId)) throw new DocumentNotFoundError();
  const document = await db.document.findFirst({ where: { id: documentId, orgId: ctx.orgId } });
  if (document === null) throw new DocumentNotFoundError();
  return document;
}

/** The original as uploaded (for previews and downloads). */
export async function openOriginal(
  db: Db,
  store: DocumentStore,
  ctx: OrgContext,
  documentId: string,
): Promise<OpenedFile> {
  const document = await findOwnDocument(db, ctx, documentId);
  const { size, body } = await store.stream(document.storageKey);
  return { fileName: document.fileName, size, sha256: document.sha256, body };
}

/** The latest sealed version of a document, named "<name>-sealed.pdf". */
export async function openSealed(
  db: Db,
  store: DocumentStore,
  ctx: OrgContext,
  documentId: string,
): Promise<OpenedFile> {
  const document = await findOwnDocument(db, ctx, documentId);
  const seal = await db.seal.findFirst({
    where: { documentId: document.id, orgId: ctx.orgId },
    orderBy: { sealedAt: "desc" },
  });
  if (seal === null) throw new DocumentNotFoundError("A sealed version of that document");
  const { size, body } = await store.stream(seal.storageKey);
  return { fileName: sealedFileName(document.fileName), size, sha256: seal.sealedSha256, body };
}

/** The sealed files of one batch of the caller's organisation, for a zip. */
export async function sealedFilesOfBatch(
  db: Db,
  ctx: OrgContext,
  batchId: string,
): Promise<{ fileName: string; storageKey: string; size: number }[]> {
  if (!UUID.test(batchId)) throw new DocumentNotFoundError("That batch");
  const batch = await db.sealBatch.findFirst({
    where: { id: batchId, orgId: ctx.orgId },
    include: { seals: { include: { document: { select: { fileName: true } } }, orderBy: { sealedAt: "asc" } } },
  });
  if (batch === null || batch.seals.length === 0) throw new DocumentNotFoundError("That batch");
  return batch.seals.map((s) => ({
    fileName: sealedFileName(s.document.fileName),
    storageKey: s.storageKey,
    size: s.size,
  }));
}

/** Visible page sizes of a document's original, for the placement screen. */
export async function pagesOf(db: Db, store: DocumentStore, ctx: OrgContext, documentId: string): Promise<PageSize[]> {
  const document = await findOwnDocument(db, ctx, documentId);
  return describePages(await store.get(document.storageKey));
}
