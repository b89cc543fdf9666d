import {
  PdfDict,
  PdfName,
  PdfPlaceholder,
  PdfRef,
  PdfStream,
  PdfString,
  type PdfObject,
} from "@/lib/engine/pdf/objects";

/** Structural equality of two PDF objects (references compared by number and generation, streams by dictionary and raw data). */
export function samePdfObject(a: PdfObject | undefined, b: PdfObject | undefined, depth = 0): boolean {
  if (depth > 100) return false;
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (a instanceof PdfName) return b instanceof PdfName && a.value === b.value;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && Buffer.compare(a.bytes, b.bytes) === 0;
  if (a instanceof PdfPlaceholder)
    return b instanceof PdfPlaceholder && a.id === b.id && Buffer.compare(a.bytes, b.bytes) === 0;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => samePdfObject(item, b[i], depth + 1));
  if (a instanceof PdfStream)
    return b instanceof PdfStream && samePdfObject(a.dict, b.dict, depth + 1) && Buffer.compare(a.data, b.data) === 0;
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.entries.size !== b.entries.size) return false;
    for (const [key, value] of a.entries) {
      if (!samePdfObject(value, b.get(key), depth + 1)) return false;
    }
    return true;
  }
  return false;
}

/** Keys whose values differ between two dictionaries (present in one only, or different). */
export function changedKeys(before: PdfDict, after: PdfDict): Set<string> {
  const keys = new Set<string>();
  for (const [key, value] of before.entries) if (!samePdfObject(value, after.get(key))) keys.add(key);
  for (const key of after.entries.keys()) if (!before.has(key)) keys.add(key);
  return keys;
}
