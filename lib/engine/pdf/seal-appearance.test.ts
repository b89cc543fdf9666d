import { mkdirSync } from "node:fs";
import path from "node:path";
import { PDFDocument, StandardFonts, degrees } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { corpusFiles, readCorpusFile } from "@/test/support/pdf-corpus";
import { solidPng } from "@/test/support/pdf-png";
import { qpdfCheck, renderPage } from "@/test/support/pdf-tools";
import { PdfRef } from "@/lib/engine/pdf/objects";
import { visiblePageSize, type VisibleRect } from "@/lib/engine/pdf/page-geometry";
import { findPage } from "@/lib/engine/pdf/page-tree";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { prepareSignature } from "@/lib/engine/pdf/prepare-signature";
import { readSignatures } from "@/lib/engine/pdf/read-signatures";

const ARTIFACTS = path.resolve("artifacts/stamps");
const DPI = 50;
const RED = solidPng(24, 24, [230, 20, 20]);
const SEALED_AT = new Date("2026-11-22T14:03:27Z");

function corpus(id: string): Uint8Array {
  const file = corpusFiles().find((f) => f.id === id);
  if (!file) throw new Error(`no corpus file ${id}`);
  return readCorpusFile(file);
}

/** Pages with /Rotate 180 and 270, an offset MediaBox and a CropBox, written by pdf-lib (with an xref stream). */
async function rotatedSamples(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const rotation of [180, 270]) {
    const page = doc.addPage([500, 700]);
    page.setMediaBox(-100, 50, 500, 700);
    page.setCropBox(-80, 70, 460, 660);
    page.setRotation(degrees(rotation));
    page.drawText(`Rotate ${rotation}`, { x: 0, y: 600, size: 30, font });
  }
  return doc.save({ useObjectStreams: true });
}

interface Case {
  name: string;
  pdf: () => Promise<Uint8Array> | Uint8Array;
  page: number;
  rect: VisibleRect;
  rotate: number;
}

const cases: Case[] = [
  {
    name: "p01-normal",
    pdf: () => corpus("p01-gs10-pdfwrite-pdf14.pdf"),
    page: 1,
    rect: { x: 330, y: 700, width: 220, height: 90 },
    rotate: 0,
  },
  {
    name: "p13-rotate90",
    pdf: () => corpus("p13-qpdf-rotate90-page1.pdf"),
    page: 1,
    rect: { x: 560, y: 40, width: 230, height: 90 },
    rotate: 90,
  },
  {
    name: "p08-page2-rotate90",
    pdf: () => corpus("p08-mutool-create-arch-e.pdf"),
    page: 2,
    rect: { x: 1500, y: 300, width: 900, height: 360 },
    rotate: 90,
  },
  {
    name: "p14-negative-origin",
    pdf: () => corpus("p14-mediabox-negative-origin-cropbox.pdf"),
    page: 1,
    rect: { x: 250, y: 40, width: 220, height: 80 },
    rotate: 0,
  },
  {
    name: "more-p13-offset-inherited",
    pdf: () => corpus("more/p13-mediabox-offset-cropbox.pdf"),
    page: 1,
    rect: { x: 300, y: 20, width: 220, height: 80 },
    rotate: 0,
  },
  {
    name: "more-p12-rotate90",
    pdf: () => corpus("more/p12-qpdf-rotate90.pdf"),
    page: 2,
    rect: { x: 520, y: 420, width: 240, height: 90 },
    rotate: 90,
  },
  {
    name: "pdflib-rotate180",
    pdf: rotatedSamples,
    page: 1,
    rect: { x: 40, y: 50, width: 200, height: 80 },
    rotate: 180,
  },
  {
    name: "pdflib-rotate270",
    pdf: rotatedSamples,
    page: 2,
    rect: { x: 300, y: 340, width: 220, height: 90 },
    rotate: 270,
  },
];

function isInk(r: number, g: number, b: number): boolean {
  // The stamp's navy ink (20, 51, 107), anti-aliased on white; never grey page text.
  return r < 150 && b - r > 30 && b - g > 20;
}

function isRed(r: number, g: number, b: number): boolean {
  return r > 180 && g < 90 && b < 90;
}

describe("visible seal stamps land where asked, upright", () => {
  mkdirSync(ARTIFACTS, { recursive: true });

  it.each(cases.map((c) => [c.name, c] as [string, Case]))("%s", async (name, c) => {
    const original = await c.pdf();
    const page = findPage(PdfFile.open(original), c.page);
    expect(page.rotate).toBe(c.rotate);
    const prepared = await prepareSignature(original, {
      signingTime: SEALED_AT,
      contentsBytes: 4096,
      appearance: {
        page: c.page,
        rect: c.rect,
        stamp: {
          signerName: "Jane Doe",
          organisation: "ACME Notaries B.V.",
          licence: "NL-12345",
          jurisdiction: "Netherlands",
          sealedAt: SEALED_AT,
          fingerprint: "AB12 CD34 EF56 7890",
          verifyUrl: "https://signet.example/v/7Hq2",
          image: { bytes: RED, type: "png" },
        },
      },
    });
    expect(qpdfCheck(prepared.bytes).problems).toEqual(qpdfCheck(original).problems);
    const widget = PdfFile.open(prepared.bytes).getObject(
      (readSignatures(prepared.bytes)[0]?.fieldRef as { num: number }).num,
    );
    expect(widget).not.toBeNull();
    expect(
      PdfFile.open(prepared.bytes)
        .resolveDict(new PdfRef((readSignatures(prepared.bytes)[0]?.fieldRef as { num: number }).num, 0))
        ?.get("P"),
    ).toEqual(page.ref);

    const render = renderPage(prepared.bytes, c.page, path.join(ARTIFACTS, name), { cropBox: true, dpi: DPI });
    // Keep a MediaBox render too (what `pdftoppm -png -r 50` shows by default).
    renderPage(prepared.bytes, c.page, path.join(ARTIFACTS, `${name}-mediabox`), { dpi: DPI });
    const size = visiblePageSize(page);
    const scale = DPI / 72;
    expect(Math.abs(render.width - size.width * scale)).toBeLessThan(2);
    const expected = {
      left: c.rect.x * scale,
      right: (c.rect.x + c.rect.width) * scale,
      top: (size.height - c.rect.y - c.rect.height) * scale,
      bottom: (size.height - c.rect.y) * scale,
    };
    // Look only around the expected place: the border must be there.
    const margin = 8;
    let ink = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
    let redX = 0;
    let redCount = 0;
    for (
      let y = Math.max(0, Math.floor(expected.top - margin));
      y < Math.min(render.height, expected.bottom + margin);
      y++
    ) {
      for (
        let x = Math.max(0, Math.floor(expected.left - margin));
        x < Math.min(render.width, expected.right + margin);
        x++
      ) {
        const i = (y * render.width + x) * 3;
        const [r, g, b] = [render.rgb[i] as number, render.rgb[i + 1] as number, render.rgb[i + 2] as number];
        if (isInk(r, g, b))
          ink = {
            left: Math.min(ink.left, x),
            right: Math.max(ink.right, x),
            top: Math.min(ink.top, y),
            bottom: Math.max(ink.bottom, y),
          };
        if (isRed(r, g, b)) {
          redX += x;
          redCount++;
        }
      }
    }
    const tolerance = 3;
    expect(Math.abs(ink.left - expected.left)).toBeLessThan(tolerance);
    expect(Math.abs(ink.right - expected.right)).toBeLessThan(tolerance);
    expect(Math.abs(ink.top - expected.top)).toBeLessThan(tolerance);
    expect(Math.abs(ink.bottom - expected.bottom)).toBeLessThan(tolerance);
    // Upright: the seal image sits on the left of the stamp as the reader sees it.
    expect(redCount).toBeGreaterThan(4);
    const redCentre = redX / redCount;
    expect(redCentre).toBeLessThan(expected.left + (expected.right - expected.left) * 0.3);
  });
});
