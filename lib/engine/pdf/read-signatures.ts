import { listFormFields } from "@/lib/engine/pdf/form-fields";
import type { PdfLimits } from "@/lib/engine/pdf/limits";
import { PdfDict, PdfName, PdfRef, PdfString, isArray, isInteger, type PdfObject } from "@/lib/engine/pdf/objects";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { decodePdfText, parsePdfDate } from "@/lib/engine/pdf/text-string";

export interface EmbeddedSignature {
  /** Fully qualified field name. */
  fieldName: string;
  fieldRef?: { num: number; gen: number };
  /** The signature dictionary's object, when it is an indirect object (it always is in practice). */
  signatureRef?: { num: number; gen: number };
  /** /Type: "Sig", "DocTimeStamp", or undefined when absent. */
  type?: string;
  filter?: string;
  subFilter?: string;
  /** /ByteRange as written; undefined when missing or not an array of integers. */
  byteRange?: number[];
  /**
   * /Contents, hex-decoded, exactly as stored: the trailing zero padding of the
   * placeholder is KEPT (the DER's own length tells where the signature ends).
   */
  contents: Uint8Array;
  /** Offsets of the /Contents hex string token ("<" to just past ">") in the file, when known. */
  contentsSpan?: { start: number; end: number };
  /** /M as written, and parsed when it is a valid PDF date. */
  signingTimeText?: string;
  signingTime?: Date;
  reason?: string;
  location?: string;
  name?: string;
  contactInfo?: string;
}

/**
 * Every signature field that has a signature dictionary (/V), in /AcroForm order.
 * Unsigned (empty) signature fields are left out.
 */
export function readSignatures(pdf: Uint8Array, limits?: Partial<PdfLimits>): EmbeddedSignature[] {
  const file = PdfFile.open(pdf, limits);
  return readSignaturesOf(file);
}

export function readSignaturesOf(file: PdfFile): EmbeddedSignature[] {
  const out: EmbeddedSignature[] = [];
  for (const field of listFormFields(file)) {
    if (field.fieldType !== "Sig" || !field.terminal || field.value === undefined) continue;
    const { dict, span } = readSignatureDictionary(file, field.value);
    if (dict === undefined) continue;
    const contents = dict.get("Contents");
    const byteRange = file.resolve(dict.get("ByteRange"));
    const ref = field.value instanceof PdfRef ? field.value : undefined;
    out.push({
      fieldName: field.fullName,
      fieldRef: field.ref ? { num: field.ref.num, gen: field.ref.gen } : undefined,
      signatureRef: ref ? { num: ref.num, gen: ref.gen } : undefined,
      type: nameOf(dict.get("Type")),
      filter: nameOf(dict.get("Filter")),
      subFilter: nameOf(dict.get("SubFilter")),
      byteRange: isArray(byteRange) && byteRange.every(isInteger) ? (byteRange as number[]) : undefined,
      contents: contents instanceof PdfString ? contents.bytes : new Uint8Array(0),
      contentsSpan: span,
      signingTimeText: text(file, dict.get("M")),
      signingTime: parseDate(text(file, dict.get("M"))),
      reason: text(file, dict.get("Reason")),
      location: text(file, dict.get("Location")),
      name: text(file, dict.get("Name")),
      contactInfo: text(file, dict.get("ContactInfo")),
    });
  }
  return out;
}

/** The signature dictionary, re-read from the file with token positions when it is a top-level object. */
function readSignatureDictionary(
  file: PdfFile,
  value: PdfObject,
): { dict?: PdfDict; span?: { start: number; end: number } } {
  if (value instanceof PdfRef) {
    const entry = file.xref.get(value.num);
    if (entry?.type === 1) {
      const withSpans = file.readEntry(value.num, entry, { spans: true });
      if (withSpans instanceof PdfDict) {
        const contents = withSpans.get("Contents");
        return { dict: withSpans, span: contents instanceof PdfString ? contents.span : undefined };
      }
      return {};
    }
  }
  const dict = file.resolveDict(value);
  return { dict };
}

function nameOf(value: PdfObject | undefined): string | undefined {
  return value instanceof PdfName ? value.value : undefined;
}

function text(file: PdfFile, value: PdfObject | undefined): string | undefined {
  const resolved = file.resolve(value);
  return resolved instanceof PdfString ? decodePdfText(resolved.bytes) : undefined;
}

function parseDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : parsePdfDate(value);
}
