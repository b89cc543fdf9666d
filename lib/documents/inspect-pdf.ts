import {
  NotAPdfError,
  PdfDamagedError,
  PdfEncryptedError,
  PdfLimitExceededError,
  PdfUnsoundStructureError,
} from "@/lib/engine/pdf";
import { sealingLimits, type PdfLimits } from "@/lib/engine/pdf";
import { visiblePageSize } from "@/lib/engine/pdf";
import { walkPageTree } from "@/lib/engine/pdf";
import { PdfFile } from "@/lib/engine/pdf";
import { checkSoundStructure } from "@/lib/engine/pdf";
import { checkVerifiable } from "@/lib/engine/verify";
import { formatMegabytes } from "@/lib/documents/file-size";

/** The size of a page as displayed (crop box after /Rotate), in points: the space placements live in. */
export type PageSize = { width: number; height: number };

/** Why an upload was refused, in the words the person sees. */
export type UploadRejection = "not_pdf" | "encrypted" | "damaged" | "too_large";

export type PdfInspection =
  | { ok: true; pageCount: number; pages: PageSize[] }
  | { ok: false; reason: UploadRejection; message: string; detail?: string };

/** Pages described at upload; a larger document is accepted, its later pages are described when needed. */
export const MAX_DESCRIBED_PAGES = 5000;

/**
 * The quick verdict on an uploaded file: is it a PDF we can seal? Opens it with the seal path's
 * limits (lib/pdf's sealingLimits: depth, object count, decompressed size, time), walks the
 * whole page tree and reads every object reachable from the trailer (checkSoundStructure), and
 * reads what Signet's verifier will read of it once sealed (checkVerifiable), so a file whose
 * structure is broken, or whose seal could not be verified, is refused now rather than later.
 * Page content is never inflated.
 */
export function inspectPdf(bytes: Uint8Array, limits?: Partial<PdfLimits>): PdfInspection {
  try {
    const file = PdfFile.open(bytes, sealingLimits(limits));
    const pages = checkSoundStructure(file);
    checkVerifiable(file);
    return {
      ok: true,
      pageCount: pages.length,
      pages: pages.slice(0, MAX_DESCRIBED_PAGES).map((page) => visiblePageSize(page)),
    };
  } catch (error) {
    return verdictForError(error);
  }
}

/** Page sizes of an accepted document (for placement); throws lib/pdf's errors. */
export function describePages(bytes: Uint8Array, maxPages = MAX_DESCRIBED_PAGES): PageSize[] {
  return walkPageTree(PdfFile.open(bytes, sealingLimits()))
    .slice(0, maxPages)
    .map((page) => visiblePageSize(page));
}

export function verdictForError(error: unknown): Extract<PdfInspection, { ok: false }> {
  if (error instanceof NotAPdfError) return rejection("not_pdf", error.detail);
  if (error instanceof PdfEncryptedError) return rejection("encrypted");
  if (error instanceof PdfLimitExceededError) return tooComplex(error.limit);
  if (error instanceof PdfUnsoundStructureError)
    return { ...rejection("damaged", error.detail), message: damagedMessage(error.problem) };
  if (error instanceof PdfDamagedError) return rejection("damaged", error.detail);
  // Anything else the reader threw on a hostile file is still "we cannot read it", never a crash.
  return rejection("damaged", error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : "unreadable");
}

export function rejection(
  reason: UploadRejection,
  detail?: string,
  limitBytes?: number,
): Extract<PdfInspection, { ok: false }> {
  return { ok: false, reason, message: rejectionMessage(reason, limitBytes), detail };
}

export function rejectionMessage(reason: UploadRejection, limitBytes?: number): string {
  switch (reason) {
    case "not_pdf":
      return "Not a PDF: this file is not a PDF document.";
    case "encrypted":
      return "Protected by a password — remove the protection and upload again.";
    case "damaged":
      return damagedMessage();
    case "too_large":
      return `Too large (limit ${limitBytes === undefined ? "" : formatMegabytes(limitBytes)} MB).`.replace(
        "(limit  MB)",
        "(over the size limit)",
      );
  }
}

/** "Damaged: …", naming the problem when lib/pdf could (a circular page tree, absurd nesting). */
function damagedMessage(problem = "this PDF cannot be read reliably"): string {
  return `Damaged: ${problem}. Re-export or repair it (for example by printing it to PDF) and upload again.`;
}

/** What each of lib/pdf's limits (and the worker's) means for the person who sent the file. */
const LIMIT_PROBLEMS: Record<string, string> = {
  objects: "it has more objects than Signet can seal and then verify",
  signatures: "it already carries as many signatures as Signet's verifier checks",
  "xref-sections": "it has more incremental updates than Signet can seal and then verify",
  "decompressed-size": "its compressed structure inflates to more data than Signet reads",
  operations: "reading its structure takes more steps than Signet allows",
  time: "reading its structure takes longer than Signet allows",
  "wall time": "reading its structure takes longer than Signet allows",
  memory: "reading its structure needs more memory than Signet allows",
};

/** A file over a processing limit: refused as damaged, with a message that says it is too complex and why. */
export function tooComplex(limit: string): Extract<PdfInspection, { ok: false }> {
  const problem = LIMIT_PROBLEMS[limit] ?? "it exceeds a processing limit";
  return {
    ...rejection("damaged", `limit: ${limit}`),
    message: `Too complex: ${problem}. Simplify or re-export it (for example by printing it to PDF) and upload again.`,
  };
}
