import { PdfDict, PdfName, PdfPlaceholder, type PdfObject } from "@/lib/engine/pdf/objects";
import { formatPdfDate, pdfTextString } from "@/lib/engine/pdf/text-string";

export const BYTE_RANGE_PLACEHOLDER_ID = "byte-range";
export const CONTENTS_PLACEHOLDER_ID = "contents";
/** "[0 ********** ********** **********]": room for offsets up to 9,999,999,999. */
export const BYTE_RANGE_PLACEHOLDER = "[0 ********** ********** **********]";

export interface SignatureDictionaryFields {
  signingTime: Date;
  reason?: string;
  location?: string;
  name?: string;
  contactInfo?: string;
  /** DER bytes reserved in /Contents. */
  contentsBytes: number;
}

/**
 * The signature dictionary for a PAdES (ETSI.CAdES.detached) signature, with the
 * /ByteRange placeholder written before the /Contents placeholder.
 */
export function signatureDictionary(fields: SignatureDictionaryFields): PdfDict {
  const entries: Array<[string, PdfObject]> = [
    ["Type", new PdfName("Sig")],
    ["Filter", new PdfName("Adobe.PPKLite")],
    ["SubFilter", new PdfName("ETSI.CAdES.detached")],
    ["ByteRange", new PdfPlaceholder(BYTE_RANGE_PLACEHOLDER_ID, Buffer.from(BYTE_RANGE_PLACEHOLDER, "latin1"))],
    ["Contents", new PdfPlaceholder(CONTENTS_PLACEHOLDER_ID, contentsPlaceholder(fields.contentsBytes))],
    ["M", pdfTextString(formatPdfDate(fields.signingTime))],
  ];
  if (fields.name) entries.push(["Name", pdfTextString(fields.name)]);
  if (fields.reason) entries.push(["Reason", pdfTextString(fields.reason)]);
  if (fields.location) entries.push(["Location", pdfTextString(fields.location)]);
  if (fields.contactInfo) entries.push(["ContactInfo", pdfTextString(fields.contactInfo)]);
  return new PdfDict(entries);
}

/** "<" + 2*N hex zeros + ">" */
export function contentsPlaceholder(derBytes: number): Uint8Array {
  const out = Buffer.alloc(derBytes * 2 + 2, 0x30);
  out[0] = 0x3c;
  out[out.length - 1] = 0x3e;
  return out;
}
