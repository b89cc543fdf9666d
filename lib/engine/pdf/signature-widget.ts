import { PdfDict, PdfName, PdfRef } from "@/lib/engine/pdf/objects";
import { pdfTextString } from "@/lib/engine/pdf/text-string";

/** Print (4) + Locked (128). */
export const SIGNATURE_WIDGET_FLAGS = 132;

/** A merged signature field and widget annotation. */
export function signatureField(options: {
  fieldName: string;
  signatureRef: PdfRef;
  pageRef: PdfRef;
  rect: [number, number, number, number];
  appearanceRef?: PdfRef;
}): PdfDict {
  const dict = new PdfDict([
    ["Type", new PdfName("Annot")],
    ["Subtype", new PdfName("Widget")],
    ["FT", new PdfName("Sig")],
    ["T", pdfTextString(options.fieldName)],
    ["V", options.signatureRef],
    ["F", SIGNATURE_WIDGET_FLAGS],
    ["P", options.pageRef],
    ["Rect", options.rect],
  ]);
  if (options.appearanceRef) dict.set("AP", new PdfDict([["N", options.appearanceRef]]));
  return dict;
}
