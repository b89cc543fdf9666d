import { PdfDict, PdfName, PdfRef, PdfString, isArray, type PdfObject } from "@/lib/engine/pdf/objects";
import type { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { decodePdfText } from "@/lib/engine/pdf/text-string";

export interface FormField {
  ref?: PdfRef;
  dict: PdfDict;
  /** Fully qualified name: the partial names (/T) of its ancestors and its own, joined by ".". */
  fullName: string;
  /** /FT, inherited from ancestors when absent. */
  fieldType?: string;
  /** /V, inherited from ancestors when absent. */
  value?: PdfObject;
  /** True when the node has no child fields (only widgets, or nothing, below it). */
  terminal: boolean;
}

/** The catalog's /AcroForm dictionary, if any. */
export function acroFormOf(file: PdfFile): PdfDict | undefined {
  return file.resolveDict(file.catalog().dict.get("AcroForm"));
}

/**
 * Every field reachable from /AcroForm /Fields, depth first, with fully qualified names.
 * Iterative and cycle-safe: a /Kids loop or a shared node is visited once.
 */
export function listFormFields(file: PdfFile, acroForm: PdfDict | undefined = acroFormOf(file)): FormField[] {
  const roots = acroForm === undefined ? undefined : file.resolve(acroForm.get("Fields"));
  if (!isArray(roots)) return [];
  const out: FormField[] = [];
  const visited = new Set<number>();
  type Item = { node: PdfObject; parentName: string; fieldType?: string; value?: PdfObject };
  const stack: Item[] = roots.map((node) => ({ node, parentName: "" })).reverse();
  while (stack.length > 0) {
    file.budget.tick();
    const item = stack.pop() as Item;
    const ref = item.node instanceof PdfRef ? item.node : undefined;
    if (ref !== undefined) {
      if (visited.has(ref.num)) continue;
      visited.add(ref.num);
    }
    let dict: PdfDict | undefined;
    try {
      dict = file.resolveDict(item.node);
    } catch {
      continue; // an unreadable field is skipped here; sealing does not depend on it
    }
    if (dict === undefined) continue;
    const t = file.resolve(dict.get("T"));
    const partial = t instanceof PdfString ? decodePdfText(t.bytes) : undefined;
    const fullName =
      partial === undefined ? item.parentName : item.parentName === "" ? partial : `${item.parentName}.${partial}`;
    const ft = file.resolve(dict.get("FT"));
    const fieldType = ft instanceof PdfName ? ft.value : item.fieldType;
    const value = dict.get("V") ?? item.value;
    const kids = file.resolve(dict.get("Kids"));
    const childFields = isArray(kids) ? kids.filter((kid) => hasPartialName(file, kid)) : [];
    out.push({ ref, dict, fullName, fieldType, value, terminal: childFields.length === 0 });
    for (let i = childFields.length - 1; i >= 0; i--) {
      stack.push({ node: childFields[i] as PdfObject, parentName: fullName, fieldType, value });
    }
  }
  return out;
}

function hasPartialName(file: PdfFile, kid: PdfObject): boolean {
  try {
    const dict = file.resolveDict(kid);
    return dict !== undefined && (dict.has("T") || dict.has("Kids") || dict.has("FT"));
  } catch {
    return false;
  }
}
