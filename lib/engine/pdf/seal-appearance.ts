import { deflateSync } from "node:zlib";
import { PdfDamagedError } from "@/lib/engine/pdf/pdf-errors";
import type { UpdatedObject } from "@/lib/engine/pdf/incremental-writer";
import { PdfDict, PdfName, PdfRef, PdfStream, isArray, type PdfObject } from "@/lib/engine/pdf/objects";
import type { Matrix } from "@/lib/engine/pdf/page-geometry";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { findPage } from "@/lib/engine/pdf/page-tree";
import { drawSealStamp, type SealStampContent } from "@/lib/engine/pdf/seal-stamp";
import { decodeStructuralStream } from "@/lib/engine/pdf/stream-decode";

/**
 * Builds the seal's appearance: a form XObject (/BBox [0 0 width height], /Matrix for the
 * page rotation) whose content and resources come from a scratch page drawn with pdf-lib.
 * Every object the resources need is copied and renumbered with `allocate`.
 */
export async function buildSealAppearance(
  content: SealStampContent,
  width: number,
  height: number,
  matrix: Matrix,
  allocate: () => PdfRef,
): Promise<{ ref: PdfRef; objects: UpdatedObject[] }> {
  const scratchBytes = await drawSealStamp(content, width, height);
  const scratch = PdfFile.open(scratchBytes);
  const page = findPage(scratch, 1);
  const objects: UpdatedObject[] = [];
  const formRef = allocate();
  const copier = new ObjectCopier(scratch, allocate, objects);
  const resources = copier.copy(page.dict.get("Resources") ?? new PdfDict());
  const contentBytes = pageContent(scratch, page.dict.get("Contents"));
  const form = new PdfStream(
    new PdfDict([
      ["Type", new PdfName("XObject")],
      ["Subtype", new PdfName("Form")],
      ["BBox", [0, 0, width, height]],
      ["Matrix", matrix],
      ["Resources", resources],
      ["Filter", new PdfName("FlateDecode")],
    ]),
    deflateSync(contentBytes),
  );
  objects.unshift({ ref: formRef, value: form });
  return { ref: formRef, objects };
}

function pageContent(file: PdfFile, contents: PdfObject | undefined): Uint8Array {
  const resolved = file.resolve(contents);
  const parts = isArray(resolved) ? resolved.map((part) => file.resolve(part)) : [resolved];
  const decoded: Uint8Array[] = [];
  for (const part of parts) {
    if (!(part instanceof PdfStream)) continue;
    decoded.push(decodeStructuralStream(part, file.budget), Buffer.from("\n"));
  }
  return Buffer.concat(decoded);
}

/** Deep-copies objects of one file into the update of another, giving each indirect object a new number. */
class ObjectCopier {
  private readonly mapping = new Map<number, PdfRef>();

  constructor(
    private readonly source: PdfFile,
    private readonly allocate: () => PdfRef,
    private readonly out: UpdatedObject[],
  ) {}

  copy(value: PdfObject, depth = 0): PdfObject {
    if (depth > 32) throw new PdfDamagedError("stamp resources nested too deeply");
    if (value instanceof PdfRef) {
      const known = this.mapping.get(value.num);
      if (known !== undefined) return known;
      const ref = this.allocate();
      this.mapping.set(value.num, ref);
      const slot: UpdatedObject = { ref, value: null };
      this.out.push(slot);
      slot.value = this.copy(this.source.getObject(value.num), depth + 1);
      return ref;
    }
    if (Array.isArray(value)) return value.map((item) => this.copy(item, depth + 1));
    if (value instanceof PdfDict) {
      const dict = new PdfDict();
      for (const [key, item] of value.entries) dict.set(key, this.copy(item, depth + 1));
      return dict;
    }
    if (value instanceof PdfStream) {
      const dict = value.dict.clone();
      dict.delete("Length"); // rewritten from the data when serialised
      return new PdfStream(this.copy(dict, depth + 1) as PdfDict, value.data);
    }
    return value;
  }
}
