import { describe, expect, it } from "vitest";
import { SignatureRequestError } from "@/lib/engine/pdf/pdf-errors";
import { PdfDict, PdfRef } from "@/lib/engine/pdf/objects";
import { placeOnPage, visiblePageSize } from "@/lib/engine/pdf/page-geometry";
import type { PageInfo } from "@/lib/engine/pdf/page-tree";

function page(rotate: PageInfo["rotate"], cropBox: PageInfo["cropBox"] = [100, 200, 700, 1000]): PageInfo {
  return { ref: new PdfRef(1, 0), dict: new PdfDict(), mediaBox: cropBox, cropBox, rotate };
}

const rect = { x: 10, y: 20, width: 200, height: 50 };

describe("placeOnPage", () => {
  it("maps visible rectangles to user space for every rotation (crop box 600 x 800 at 100,200)", () => {
    expect(placeOnPage(page(0), rect)).toEqual({ rect: [110, 220, 310, 270], matrix: [1, 0, 0, 1, 0, 0] });
    // Rotate 90: displayed 800 wide, 600 high; visible x runs up user y, visible y runs down user x.
    expect(placeOnPage(page(90), rect)).toEqual({ rect: [630, 210, 680, 410], matrix: [0, 1, -1, 0, 50, 0] });
    expect(placeOnPage(page(180), rect)).toEqual({ rect: [490, 930, 690, 980], matrix: [-1, 0, 0, -1, 200, 50] });
    expect(placeOnPage(page(270), rect)).toEqual({ rect: [120, 790, 170, 990], matrix: [0, -1, 1, 0, 0, 200] });
  });

  it("reports the displayed page size", () => {
    expect(visiblePageSize(page(0))).toEqual({ width: 600, height: 800 });
    expect(visiblePageSize(page(270))).toEqual({ width: 800, height: 600 });
  });

  it("refuses rectangles that are empty or leave the page", () => {
    expect(() => placeOnPage(page(0), { ...rect, width: 0 })).toThrow(SignatureRequestError);
    expect(() => placeOnPage(page(0), { ...rect, x: 500 })).toThrow(/within the page/);
    expect(() => placeOnPage(page(90), { x: 700, y: 10, width: 100, height: 100 })).not.toThrow();
    expect(() => placeOnPage(page(90), { x: 10, y: 700, width: 100, height: 100 })).toThrow(SignatureRequestError);
  });
});
