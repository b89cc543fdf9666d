import { NotAPdfError, PdfDamagedError, PdfEncryptedError, PdfLimitExceededError } from "../pdf/errors";
import type { PdfLimits } from "../pdf/limits";
import { visiblePageSize } from "../pdf/page-geometry";
import { findPage, pageCount } from "../pdf/page-tree";
import { PdfFile } from "../pdf/pdf-file";
import { formatMegabytes } from "./document-errors";

/** The size of a page as displayed (crop box after /Rotate), in points: the space placements live in. */
export type PageSize = { width: number; height: number };

/** Why an upload was refused, in the words the person sees. */
export type UploadRejection = "not_pdf" | "encrypted" | "damaged" | "too_large";

export type PdfInspection = { ok: true; pageCount: number; pages: PageSize[] } | { ok: false; reason: UploadRejection; message: string; detail?: string };

/** Pages described at upload; a larger document is accepted, its later pages are described when needed. */
export const MAX_DESCRIBED_PAGES = 5000;

/**
 * The quick verdict on an uploaded file: is it a PDF we can seal? Opens it with lib/pdf's
 * limits (depth, object count, decompressed size, time), counts the pages and walks to each
 * one, so a file whose page tree is broken is refused now rather than at sealing time.
 * Page content is never inflated.
 */
export function inspectPdf(bytes: Uint8Array, limits?: Partial<PdfLimits>): PdfInspection {
  try {
    const file = PdfFile.open(bytes, limits);
    const count = pageCount(file);
    if (count < 1) return rejection("damaged", "page tree has no pages");
    const pages: PageSize[] = [];
    for (let page = 1; page <= Math.min(count, MAX_DESCRIBED_PAGES); page++) pages.push(visiblePageSize(findPage(file, page)));
    return { ok: true, pageCount: count, pages };
  } catch (error) {
    return verdictForError(error);
  }
}

/** Page sizes of an accepted document (for placement); throws lib/pdf's errors. */
export function describePages(bytes: Uint8Array, maxPages = MAX_DESCRIBED_PAGES): PageSize[] {
  const file = PdfFile.open(bytes);
  const count = Math.min(pageCount(file), maxPages);
  const pages: PageSize[] = [];
  for (let page = 1; page <= count; page++) pages.push(visiblePageSize(findPage(file, page)));
  return pages;
}

export function verdictForError(error: unknown): Extract<PdfInspection, { ok: false }> {
  if (error instanceof NotAPdfError) return rejection("not_pdf", error.detail);
  if (error instanceof PdfEncryptedError) return rejection("encrypted");
  if (error instanceof PdfLimitExceededError) return rejection("damaged", `limit: ${error.limit}`);
  if (error instanceof PdfDamagedError) return rejection("damaged", error.detail);
  // Anything else the reader threw on a hostile file is still "we cannot read it", never a crash.
  return rejection("damaged", error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : "unreadable");
}

export function rejection(reason: UploadRejection, detail?: string, limitBytes?: number): Extract<PdfInspection, { ok: false }> {
  return { ok: false, reason, message: rejectionMessage(reason, limitBytes), detail };
}

export function rejectionMessage(reason: UploadRejection, limitBytes?: number): string {
  switch (reason) {
    case "not_pdf":
      return "Not a PDF: this file is not a PDF document.";
    case "encrypted":
      return "Protected by a password — remove the protection and upload again.";
    case "damaged":
      return "Damaged: this PDF cannot be read reliably. Re-export or repair it (for example by printing it to PDF) and upload again.";
    case "too_large":
      return `Too large (limit ${limitBytes === undefined ? "" : formatMegabytes(limitBytes)} MB).`.replace("(limit  MB)", "(over the size limit)");
  }
}
