import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFImage } from "pdf-lib";
import { SignatureRequestError } from "./errors";

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
  /** Printed as text when given (a later issue renders it as a QR code). */
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

export function stampLines(content: SealStampContent): StampLine[] {
  const lines: StampLine[] = [{ text: "Digitally sealed", bold: true }, { text: content.signerName, bold: true }];
  if (content.organisation) lines.push({ text: content.organisation, bold: false });
  if (content.licence) lines.push({ text: `Licence/Reg. no.: ${content.licence}`, bold: false });
  if (content.jurisdiction) lines.push({ text: content.jurisdiction, bold: false });
  lines.push({ text: formatStampTime(content.sealedAt), bold: false });
  lines.push({ text: `Fingerprint: ${content.fingerprint}`, bold: false });
  if (content.verifyUrl) lines.push({ text: content.verifyUrl, bold: false });
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

  page.drawRectangle({ x: border / 2, y: border / 2, width: width - border, height: height - border, color: rgb(1, 1, 1), opacity: 0.88, borderColor: INK, borderWidth: border });

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

  const lines = stampLines(content).map((line) => ({ ...line, text: sanitize(line.text, line.bold ? bold : regular) }));
  const availableW = width - textLeft - pad - border;
  const availableH = height - 2 * (pad + border);
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

async function embedImage(doc: PDFDocument, image: { bytes: Uint8Array; type: "png" | "jpeg" }): Promise<PDFImage> {
  try {
    return image.type === "png" ? await doc.embedPng(image.bytes) : await doc.embedJpg(image.bytes);
  } catch (error) {
    throw new SignatureRequestError("pdf.bad_image", `The seal image is not a valid ${image.type.toUpperCase()} file.`, { cause: error });
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
