import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFImage, type PDFPage } from "pdf-lib";
import { encode } from "uqr";
import { SignatureRequestError } from "@/lib/engine/pdf/pdf-errors";

/** What a visible seal shows. */
export interface SealStampContent {
  signerName: string;
  organisation?: string;
  /** Licence or registration number. */
  licence?: string;
  jurisdiction?: string;
  /** Shown in UTC, e.g. "2026-11-22 14:03 UTC". */
  sealedAt: Date;
  /** Short certificate fingerprint, e.g. the first 16 hex digits of its SHA-256, grouped. */
  fingerprint: string;
  image?: { bytes: Uint8Array; type: "png" | "jpeg" };
  /**
   * Where recipients verify the seal. Drawn as a QR code (vector squares) at the right of
   * the stamp when there is room for it beside the text, otherwise printed as text.
   */
  verifyUrl?: string;
}

interface StampLine {
  text: string;
  bold: boolean;
}

const INK = rgb(0.08, 0.2, 0.42);
const MAX_FONT_SIZE = 48;
const MIN_FONT_SIZE = 3;
const LEADING = 1.22;

/** "2026-11-22 14:03 UTC" */
export function formatStampTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function stampLines(content: SealStampContent, options: { verifyUrlAsQr?: boolean } = {}): StampLine[] {
  const lines: StampLine[] = [
    { text: "Digitally sealed", bold: true },
    { text: content.signerName, bold: true },
  ];
  if (content.organisation) lines.push({ text: content.organisation, bold: false });
  if (content.licence) lines.push({ text: `Licence/Reg. no.: ${content.licence}`, bold: false });
  if (content.jurisdiction) lines.push({ text: content.jurisdiction, bold: false });
  lines.push({ text: formatStampTime(content.sealedAt), bold: false });
  lines.push({ text: `Fingerprint: ${content.fingerprint}`, bold: false });
  if (content.verifyUrl)
    lines.push({ text: options.verifyUrlAsQr ? "Scan the code to verify" : content.verifyUrl, bold: false });
  return lines;
}

/**
 * Draws the seal stamp on the only page of a scratch PDF of exactly width x height
 * points (pdf-lib, Helvetica), and returns that scratch PDF. The appearance builder
 * transplants its page content and resources into the signed document.
 */
export async function drawSealStamp(content: SealStampContent, width: number, height: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([width, height]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const pad = clamp(Math.min(width, height) * 0.06, 1.5, 8);
  const border = clamp(Math.min(width, height) * 0.012, 0.5, 1.5);

  page.drawRectangle({
    x: border / 2,
    y: border / 2,
    width: width - border,
    height: height - border,
    color: rgb(1, 1, 1),
    opacity: 0.88,
    borderColor: INK,
    borderWidth: border,
  });

  let textLeft = pad + border;
  if (content.image) {
    const image = await embedImage(doc, content.image);
    const boxH = height - 2 * (pad + border);
    const boxW = Math.min(boxH, width * 0.3);
    const scale = Math.min(boxW / image.width, boxH / image.height);
    const w = image.width * scale;
    const h = image.height * scale;
    if (w > 0 && h > 0) {
      page.drawImage(image, { x: pad + border + (boxW - w) / 2, y: (height - h) / 2, width: w, height: h });
      textLeft += boxW + pad;
    }
  }

  let availableW = width - textLeft - pad - border;
  const availableH = height - 2 * (pad + border);
  let qr = false;
  if (
    content.verifyUrl &&
    availableH >= MIN_QR_SIDE &&
    availableW - availableH - pad >= availableH * MIN_TEXT_BESIDE_QR
  ) {
    drawQrCode(page, content.verifyUrl, { x: width - pad - border - availableH, y: pad + border, side: availableH });
    availableW -= availableH + pad;
    qr = true;
  }
  const lines = stampLines(content, { verifyUrlAsQr: qr }).map((line) => ({
    ...line,
    text: sanitize(line.text, line.bold ? bold : regular),
  }));
  if (availableW <= 0 || availableH <= 0) return doc.save({ useObjectStreams: false });

  let size = Math.min(MAX_FONT_SIZE, availableH / (lines.length * LEADING));
  for (const line of lines) {
    const font = line.bold ? bold : regular;
    const w = font.widthOfTextAtSize(line.text, size);
    if (w > availableW) size = Math.max(MIN_FONT_SIZE, (size * availableW) / w);
  }
  const blockH = lines.length * size * LEADING;
  let baseline = height / 2 + blockH / 2 - size;
  for (const line of lines) {
    const font = line.bold ? bold : regular;
    const text = fitWidth(line.text, font, size, availableW);
    page.drawText(text, { x: textLeft, y: baseline + size * 0.2, size, font, color: INK });
    baseline -= size * LEADING;
  }
  return doc.save({ useObjectStreams: false });
}

/** Smallest QR code worth drawing (points): about 0.7 mm per module for a 37-module code. */
const MIN_QR_SIDE = 36;
/** The text beside a QR code needs at least this much of its side in width. */
const MIN_TEXT_BESIDE_QR = 1.2;

/**
 * The QR code of `text` as filled rectangles (one per horizontal run of dark modules), with a
 * two-module quiet zone inside `side`; error correction M survives a stain or a fold.
 */
function drawQrCode(page: PDFPage, text: string, box: { x: number; y: number; side: number }): void {
  const { data, size } = encode(text, { ecc: "M", border: 2 });
  const cell = box.side / size;
  page.drawRectangle({ x: box.x, y: box.y, width: box.side, height: box.side, color: rgb(1, 1, 1) });
  data.forEach((row, r) => {
    for (let c = 0; c < size;) {
      if (!row[c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && row[c]) c++;
      page.drawRectangle({
        x: box.x + start * cell,
        y: box.y + box.side - (r + 1) * cell,
        width: (c - start) * cell,
        height: cell,
        color: rgb(0, 0, 0),
      });
    }
  });
}

async function embedImage(doc: PDFDocument, image: { bytes: Uint8Array; type: "png" | "jpeg" }): Promise<PDFImage> {
  try {
    return image.type === "png" ? await doc.embedPng(image.bytes) : await doc.embedJpg(image.bytes);
  } catch (error) {
    throw new SignatureRequestError(
      "pdf.bad_image",
      `The seal image is not a valid ${image.type.toUpperCase()} file.`,
      { cause: error },
    );
  }
}

/** Replaces characters Helvetica (WinAnsi) cannot show with "?", and control characters with spaces. */
function sanitize(text: string, font: PDFFont): string {
  let out = "";
  for (const ch of text.replace(/[\u0000-\u001f\u007f]/g, " ")) {
    try {
      font.widthOfTextAtSize(ch, 10);
      font.encodeText(ch);
      out += ch;
    } catch {
      out += "?";
    }
  }
  return out;
}

function fitWidth(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let cut = text.length;
  while (cut > 0 && font.widthOfTextAtSize(`${text.slice(0, cut)}…`, size) > width) cut--;
  return cut === 0 ? "" : `${text.slice(0, cut)}…`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
