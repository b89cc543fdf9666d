import type { Placement } from "@/lib/sealing/placement";
import { sealingLimits } from "@/lib/engine/pdf";
import { visiblePageSize } from "@/lib/engine/pdf";
import { findPage } from "@/lib/engine/pdf";
import { PdfFile } from "@/lib/engine/pdf";
import { SealingError } from "@/lib/sealing/sealing-errors";

/** Same slack as lib/pdf's placeOnPage: half a point. */
const TOLERANCE = 0.5;

/**
 * Checks, before the step-up is asked for, that a placement lies on an existing page of the
 * document, inside the page as displayed (crop box after /Rotate): the space sealPdf places in.
 */
export function checkPlacement(bytes: Uint8Array, placement: Placement, fileName: string): void {
  if (placement === null) return;
  let size: { width: number; height: number };
  try {
    size = visiblePageSize(findPage(PdfFile.open(bytes, sealingLimits()), placement.page));
  } catch {
    throw new SealingError("sealing.bad_placement", `"${fileName}" has no page ${placement.page}.`, { status: 422 });
  }
  const { x, y, width, height } = placement.rect;
  if (x < -TOLERANCE || y < -TOLERANCE || x + width > size.width + TOLERANCE || y + height > size.height + TOLERANCE) {
    throw new SealingError(
      "sealing.bad_placement",
      `The stamp must lie within page ${placement.page} of "${fileName}" (${Math.round(size.width)} × ${Math.round(size.height)} points).`,
      { status: 422 },
    );
  }
}

/** Placements are kept to a hundredth of a point, so both steps of a seal hash the same manifest. */
export function roundPlacement(placement: Placement): Placement {
  if (placement === null) return null;
  const r = (n: number) => Math.round(n * 100) / 100;
  return {
    page: placement.page,
    rect: {
      x: r(placement.rect.x),
      y: r(placement.rect.y),
      width: r(placement.rect.width),
      height: r(placement.rect.height),
    },
  };
}
