import { PdfDamagedError, SignatureRequestError } from "./errors";
import { PdfDict, PdfRef, isArray, isInteger, isName, isNumber, type PdfObject } from "./objects";
import type { PdfFile } from "./pdf-file";

export type Box = [number, number, number, number];

export interface PageInfo {
  ref: PdfRef;
  dict: PdfDict;
  /** MediaBox (inherited if need be), normalised so that x1 < x2, y1 < y2. */
  mediaBox: Box;
  /** CropBox (inherited, defaulting to the MediaBox), clipped to the MediaBox. */
  cropBox: Box;
  /** /Rotate (inherited), one of 0, 90, 180, 270. */
  rotate: 0 | 90 | 180 | 270;
}

/** The number of pages according to the root /Pages node. */
export function pageCount(file: PdfFile): number {
  const pages = file.resolveDict(file.catalog().dict.get("Pages"));
  const count = pages?.get("Count");
  if (pages === undefined || !isInteger(count)) throw new PdfDamagedError("no page tree");
  return count;
}

/**
 * Finds page `pageNumber` (1-based) by walking down the page tree, using /Count to skip
 * whole subtrees, so only the nodes on the path are parsed. Inheritable attributes
 * (MediaBox, CropBox, Rotate) are picked up on the way down.
 */
export function findPage(file: PdfFile, pageNumber: number): PageInfo {
  const catalog = file.catalog().dict;
  const rootRef = catalog.get("Pages");
  let node = file.resolveDict(rootRef);
  if (node === undefined) throw new PdfDamagedError("no page tree");
  const total = node.get("Count");
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || (isInteger(total) && pageNumber > total)) {
    throw new SignatureRequestError("pdf.bad_page", `This document has no page ${pageNumber}.`);
  }
  let nodeRef: PdfObject | undefined = rootRef;
  let remaining = pageNumber - 1;
  const inherited: { MediaBox?: PdfObject; CropBox?: PdfObject; Rotate?: PdfObject } = {};
  const visited = new Set<number>();
  for (;;) {
    file.budget.tick();
    if (nodeRef instanceof PdfRef) {
      if (visited.has(nodeRef.num)) throw new PdfDamagedError("page tree has a cycle");
      visited.add(nodeRef.num);
    }
    for (const key of ["MediaBox", "CropBox", "Rotate"] as const) {
      const value = node.get(key);
      if (value !== undefined) inherited[key] = value;
    }
    const kids = file.resolve(node.get("Kids"));
    const isPage = isName(node.get("Type"), "Page") || !isArray(kids);
    if (isPage) {
      if (remaining !== 0 || !(nodeRef instanceof PdfRef)) throw new PdfDamagedError("page tree /Count does not match its pages");
      return describePage(file, nodeRef, node, inherited);
    }
    let descended = false;
    for (const kidRef of kids as PdfObject[]) {
      file.budget.tick();
      const kid = file.resolveDict(kidRef);
      if (kid === undefined) continue;
      const kidKids = kid.get("Kids");
      const kidIsPage = isName(kid.get("Type"), "Page") || kidKids === undefined;
      const countValue = kid.get("Count");
      const count = kidIsPage ? 1 : isInteger(countValue) && countValue >= 0 ? countValue : 0;
      if (remaining < count) {
        nodeRef = kidRef;
        node = kid;
        descended = true;
        break;
      }
      remaining -= count;
    }
    if (!descended) throw new PdfDamagedError("page not found in the page tree");
  }
}

function describePage(file: PdfFile, ref: PdfRef, dict: PdfDict, inherited: { MediaBox?: PdfObject; CropBox?: PdfObject; Rotate?: PdfObject }): PageInfo {
  const mediaBox = readBox(file, inherited.MediaBox) ?? [0, 0, 612, 792];
  const crop = readBox(file, inherited.CropBox);
  const cropBox: Box = crop
    ? [Math.max(crop[0], mediaBox[0]), Math.max(crop[1], mediaBox[1]), Math.min(crop[2], mediaBox[2]), Math.min(crop[3], mediaBox[3])]
    : mediaBox;
  if (cropBox[2] <= cropBox[0] || cropBox[3] <= cropBox[1]) throw new PdfDamagedError("page has an empty crop box");
  const rotateValue = file.resolve(inherited.Rotate);
  const rotate = isInteger(rotateValue) ? ((((rotateValue % 360) + 360) % 360) as number) : 0;
  if (rotate % 90 !== 0) throw new PdfDamagedError("page /Rotate is not a multiple of 90");
  return { ref, dict, mediaBox, cropBox, rotate: rotate as 0 | 90 | 180 | 270 };
}

function readBox(file: PdfFile, value: PdfObject | undefined): Box | undefined {
  const array = file.resolve(value);
  if (!isArray(array) || array.length !== 4) return undefined;
  const numbers = array.map((v) => file.resolve(v));
  if (!numbers.every(isNumber)) return undefined;
  const [a, b, c, d] = numbers as number[] as Box;
  return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
}
