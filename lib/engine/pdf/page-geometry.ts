import { SignatureRequestError } from "@/lib/engine/pdf/pdf-errors";
import type { Box, PageInfo } from "@/lib/engine/pdf/page-tree";

/** A rectangle in a page's visible coordinates: origin at the bottom-left of the displayed (rotated) crop box, in points. */
export interface VisibleRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Matrix = [number, number, number, number, number, number];

/** Size of the page as displayed (crop box, after /Rotate). */
export function visiblePageSize(page: PageInfo): { width: number; height: number } {
  const w = page.cropBox[2] - page.cropBox[0];
  const h = page.cropBox[3] - page.cropBox[1];
  return page.rotate === 90 || page.rotate === 270 ? { width: h, height: w } : { width: w, height: h };
}

/**
 * Converts a visible rectangle to the page's default user space, and gives the /Matrix
 * that makes a form XObject with /BBox [0 0 width height] appear upright to the viewer.
 */
export function placeOnPage(page: PageInfo, rect: VisibleRect): { rect: Box; matrix: Matrix } {
  const { x, y, width, height } = rect;
  if (![x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0) {
    throw new SignatureRequestError("pdf.bad_rect", "The seal rectangle must have a positive width and height.");
  }
  const size = visiblePageSize(page);
  const tolerance = 0.5;
  if (x < -tolerance || y < -tolerance || x + width > size.width + tolerance || y + height > size.height + tolerance) {
    throw new SignatureRequestError(
      "pdf.bad_rect",
      `The seal rectangle must lie within the page (${round(size.width)} x ${round(size.height)} points).`,
    );
  }
  const [llx, lly, urx, ury] = page.cropBox;
  const toUser = (u: number, v: number): [number, number] => {
    switch (page.rotate) {
      case 0:
        return [llx + u, lly + v];
      case 90:
        return [urx - v, lly + u];
      case 180:
        return [urx - u, ury - v];
      case 270:
        return [llx + v, ury - u];
    }
  };
  const [ax, ay] = toUser(x, y);
  const [bx, by] = toUser(x + width, y + height);
  const box: Box = [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
  const matrices: Record<PageInfo["rotate"], Matrix> = {
    0: [1, 0, 0, 1, 0, 0],
    90: [0, 1, -1, 0, height, 0],
    180: [-1, 0, 0, -1, width, height],
    270: [0, -1, 1, 0, 0, width],
  };
  return { rect: box, matrix: matrices[page.rotate] };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
