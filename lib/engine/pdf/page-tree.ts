import { PdfDamagedError, PdfUnsoundStructureError, SignatureRequestError } from "@/lib/engine/pdf/pdf-errors";
import { PdfDict, PdfRef, isArray, isInteger, isName, isNumber, type PdfObject } from "@/lib/engine/pdf/objects";
import type { PdfFile } from "@/lib/engine/pdf/pdf-file";

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
  const inherited: Inherited = {};
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
    if (isPageLeaf(node, kids)) {
      if (remaining !== 0 || !(nodeRef instanceof PdfRef))
        throw new PdfDamagedError("page tree /Count does not match its pages");
      return describePage(file, nodeRef, node, inherited);
    }
    let descended = false;
    for (const kidRef of kids as PdfObject[]) {
      file.budget.tick();
      const kid = file.resolveDict(kidRef);
      if (kid === undefined) continue;
      const kidIsPage = isPageLeaf(kid, file.resolve(kid.get("Kids")));
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

type Inherited = { MediaBox?: PdfObject; CropBox?: PdfObject; Rotate?: PdfObject };

/** The rule findPage and walkPageTree share: a node typed /Page, or one without a /Kids array, is a page. */
function isPageLeaf(node: PdfDict, kids: PdfObject | undefined): boolean {
  return isName(node.get("Type"), "Page") || !isArray(kids);
}

/**
 * Every page of the document, in order, by one walk of the whole page tree. Refuses, as damage
 * that validators refuse too, a tree that contains itself (a /Pages node among its own
 * descendants), one that lists a page or a node twice, and one whose /Count values do not match
 * the pages below them (findPage relies on them to find a page by number).
 */
export function walkPageTree(file: PdfFile): PageInfo[] {
  const rootRef = file.catalog().dict.get("Pages");
  const root = file.resolveDict(rootRef);
  if (root === undefined) throw new PdfDamagedError("no page tree");
  type Frame = {
    ref: PdfObject | undefined;
    dict: PdfDict;
    kids: PdfObject[];
    next: number;
    inherited: Inherited;
    firstPage: number;
  };
  const pages: PageInfo[] = [];
  const stack: Frame[] = [];
  const seen = new Set<number>();
  const onPath = new Set<number>();

  const enter = (ref: PdfObject | undefined, dict: PdfDict, parent: Inherited) => {
    if (ref instanceof PdfRef) {
      if (onPath.has(ref.num))
        throw new PdfUnsoundStructureError(
          "its page tree is circular (a group of pages lists itself among its own pages)",
          `page tree node ${ref.num} is its own descendant`,
        );
      if (seen.has(ref.num))
        throw new PdfUnsoundStructureError(
          "its page tree lists the same page or group of pages more than once",
          `page tree node ${ref.num} appears twice`,
        );
      seen.add(ref.num);
    }
    const inherited: Inherited = { ...parent };
    for (const key of ["MediaBox", "CropBox", "Rotate"] as const) {
      const value = dict.get(key);
      if (value !== undefined) inherited[key] = value;
    }
    const kids = file.resolve(dict.get("Kids"));
    if (isPageLeaf(dict, kids)) {
      if (!(ref instanceof PdfRef)) throw new PdfDamagedError("a page is not an indirect object");
      pages.push(describePage(file, ref, dict, inherited));
      return;
    }
    if (ref instanceof PdfRef) onPath.add(ref.num);
    stack.push({ ref, dict, kids: kids as PdfObject[], next: 0, inherited, firstPage: pages.length });
  };

  enter(rootRef, root, {});
  while (stack.length > 0) {
    file.budget.tick();
    const top = stack[stack.length - 1] as Frame;
    if (top.next < top.kids.length) {
      const kidRef = top.kids[top.next++];
      const kid = file.resolveDict(kidRef);
      if (kid !== undefined) enter(kidRef, kid, top.inherited);
      continue;
    }
    stack.pop();
    if (top.ref instanceof PdfRef) onPath.delete(top.ref.num);
    const count = top.dict.get("Count");
    if (count !== pages.length - top.firstPage) {
      throw new PdfUnsoundStructureError(
        "its page tree's page counts (/Count) do not match its pages",
        `page tree node /Count ${String(count)} over ${pages.length - top.firstPage} pages`,
      );
    }
  }
  return pages;
}

function describePage(file: PdfFile, ref: PdfRef, dict: PdfDict, inherited: Inherited): PageInfo {
  const mediaBox = readBox(file, inherited.MediaBox) ?? [0, 0, 612, 792];
  const crop = readBox(file, inherited.CropBox);
  const cropBox: Box = crop
    ? [
        Math.max(crop[0], mediaBox[0]),
        Math.max(crop[1], mediaBox[1]),
        Math.min(crop[2], mediaBox[2]),
        Math.min(crop[3], mediaBox[3]),
      ]
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
