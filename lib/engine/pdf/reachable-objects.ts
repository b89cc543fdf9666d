import { PdfDict, PdfRef, PdfStream, type PdfObject } from "@/lib/engine/pdf/objects";
import type { PdfFile } from "@/lib/engine/pdf/pdf-file";

/**
 * Parses every object reachable from the trailer (/Root and all below it, /Info, any other
 * entry), so that damage wherever a validator looks refuses the file before it is sealed, not
 * only damage on the way to the page that gets the seal: absurd nesting in /Info, an object
 * that is not where the cross-reference section says. Nesting is bounded by the parser (its
 * maxDepth); the walk itself is iterative. Stream data is never decoded (object streams are,
 * within the decompression budget), and objects are not kept: the walk holds only their numbers.
 * Returns how many objects were read.
 */
export function readReachableObjects(file: PdfFile): number {
  const seen = new Set<number>();
  const stack: PdfObject[] = [...file.trailer.entries.values()];
  while (stack.length > 0) {
    file.budget.tick();
    const value = stack.pop() as PdfObject;
    if (value instanceof PdfRef) {
      if (seen.has(value.num)) continue;
      seen.add(value.num);
      const entry = file.xref.get(value.num);
      if (entry === undefined || entry.type === 0) continue; // a reference to a free or missing object is null
      const target = file.readEntry(value.num, entry);
      if (target !== null) stack.push(target);
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (value instanceof PdfDict) {
      for (const item of value.entries.values()) stack.push(item);
    } else if (value instanceof PdfStream) {
      for (const item of value.dict.entries.values()) stack.push(item);
    }
  }
  return seen.size;
}
