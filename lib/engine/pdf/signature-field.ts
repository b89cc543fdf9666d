import type { UpdatedObject } from "@/lib/engine/pdf/incremental-writer";
import { PdfDict, PdfRef, isArray, isInteger, type PdfObject } from "@/lib/engine/pdf/objects";
import type { PageInfo } from "@/lib/engine/pdf/page-tree";
import type { PdfFile } from "@/lib/engine/pdf/pdf-file";

/**
 * The objects to rewrite so that a new signature field (merged field + widget at
 * `widgetRef`) is reachable from /AcroForm /Fields and from its page's /Annots.
 * Existing fields, annotations and AcroForm keys are kept; /SigFlags gets bits 1 and 2.
 */
export function attachSignatureField(
  file: PdfFile,
  page: PageInfo,
  widgetRef: PdfRef,
  allocate: () => PdfRef,
): UpdatedObject[] {
  const updates = new Map<number, UpdatedObject>();
  const put = (ref: PdfRef, value: PdfObject) => updates.set(ref.num, { ref, value });

  // The page's /Annots: an indirect array is rewritten in place, otherwise the page is.
  const pageDict =
    updates.get(page.ref.num)?.value instanceof PdfDict
      ? (updates.get(page.ref.num)?.value as PdfDict)
      : page.dict.clone();
  const annots = pageDict.get("Annots");
  const annotsArray = annots instanceof PdfRef ? file.resolve(annots) : annots;
  if (annots instanceof PdfRef && isArray(annotsArray)) {
    put(annots, [...annotsArray, widgetRef]);
  } else {
    pageDict.set("Annots", isArray(annotsArray) ? [...annotsArray, widgetRef] : [widgetRef]);
    put(page.ref, pageDict);
  }

  // The catalog's /AcroForm: kept where it is (indirect or direct), created when absent.
  const catalog = file.catalog();
  const acroFormEntry = catalog.dict.get("AcroForm");
  const existing = file.resolveDict(acroFormEntry);
  const acroForm = existing ? existing.clone() : new PdfDict();
  const fields = acroForm.get("Fields");
  const fieldsArray = fields instanceof PdfRef ? file.resolve(fields) : fields;
  if (fields instanceof PdfRef && isArray(fieldsArray)) {
    put(fields, [...fieldsArray, widgetRef]);
  } else {
    acroForm.set("Fields", isArray(fieldsArray) ? [...fieldsArray, widgetRef] : [widgetRef]);
  }
  const sigFlags = file.resolve(acroForm.get("SigFlags"));
  acroForm.set("SigFlags", (isInteger(sigFlags) ? sigFlags : 0) | 3);

  if (acroFormEntry instanceof PdfRef && existing) {
    put(acroFormEntry, acroForm);
  } else {
    const catalogDict = (updates.get(catalog.ref.num)?.value as PdfDict | undefined) ?? catalog.dict.clone();
    if (existing && !(acroFormEntry instanceof PdfRef)) {
      catalogDict.set("AcroForm", acroForm);
    } else {
      const acroFormRef = allocate();
      put(acroFormRef, acroForm);
      catalogDict.set("AcroForm", acroFormRef);
    }
    put(catalog.ref, catalogDict);
  }
  return [...updates.values()];
}
