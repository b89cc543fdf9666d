import { PdfDamagedError } from "@/lib/engine/pdf/pdf-errors";
import { walkPageTree, type PageInfo } from "@/lib/engine/pdf/page-tree";
import type { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { readReachableObjects } from "@/lib/engine/pdf/reachable-objects";

/**
 * What a file must be before Signet seals it, beyond opening: a page tree that is a tree (no
 * cycles, no page twice, /Count values that match) with at least one page, and every object
 * reachable from the trailer readable within the limits. Independent validators (qpdf, pyHanko)
 * refuse files that fail these checks, so a seal on them could not be checked by anyone else.
 * Throws PdfDamagedError (PdfUnsoundStructureError naming the problem) or PdfLimitExceededError;
 * returns the pages, in order.
 */
export function checkSoundStructure(file: PdfFile): PageInfo[] {
  const known = checked.get(file);
  if (known !== undefined) return known;
  const pages = walkPageTree(file);
  if (pages.length === 0) throw new PdfDamagedError("page tree has no pages");
  readReachableObjects(file);
  checked.set(file, pages);
  return pages;
}

/** Files already found sound: sealPdf checks before preparing, and may prepare twice. */
const checked = new WeakMap<PdfFile, PageInfo[]>();
