/**
 * Tests only: reads a QR code's module matrix back from a rendered page (pdftoppm's RGB),
 * to prove that a stamp carries the code of an exact text. The dark modules are pure black
 * (the stamp's text is navy); their bounding box is the code without its quiet zone.
 */
import { encode } from "uqr";

export type Rendered = { width: number; height: number; rgb: Uint8Array };

function isBlack(r: Rendered, x: number, y: number): boolean {
  const i = (y * r.width + x) * 3;
  return (r.rgb[i] as number) < 80 && (r.rgb[i + 1] as number) < 80 && (r.rgb[i + 2] as number) < 80;
}

/** The modules (true = dark) sampled at their centres, for a code whose matrix has `modules` modules without quiet zone. */
export function sampleQr(
  r: Rendered,
  modules: number,
  region?: { left: number; top: number; right: number; bottom: number },
): boolean[][] | null {
  const area = region ?? { left: 0, top: 0, right: r.width, bottom: r.height };
  let box = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  for (let y = Math.max(0, area.top); y < Math.min(r.height, area.bottom); y++) {
    for (let x = Math.max(0, area.left); x < Math.min(r.width, area.right); x++) {
      if (isBlack(r, x, y))
        box = {
          left: Math.min(box.left, x),
          top: Math.min(box.top, y),
          right: Math.max(box.right, x),
          bottom: Math.max(box.bottom, y),
        };
    }
  }
  if (box.right < box.left) return null;
  const cell = (box.right - box.left + 1) / modules;
  const out: boolean[][] = [];
  for (let row = 0; row < modules; row++) {
    const line: boolean[] = [];
    for (let col = 0; col < modules; col++)
      line.push(isBlack(r, Math.floor(box.left + (col + 0.5) * cell), Math.floor(box.top + (row + 0.5) * cell)));
    out.push(line);
  }
  return out;
}

/** The module matrix of `text` as the stamp encodes it, without quiet zone. */
export function expectedQr(text: string): boolean[][] {
  return encode(text, { ecc: "M", border: 0 }).data;
}
