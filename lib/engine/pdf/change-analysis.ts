import type { PdfLimits } from "@/lib/engine/pdf/limits";
import { PdfDict, PdfName, PdfRef, PdfStream, dictOf, isArray, type PdfObject } from "@/lib/engine/pdf/objects";
import { changedKeys, samePdfObject } from "@/lib/engine/pdf/object-equality";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { revisionsOf, type Revision } from "@/lib/engine/pdf/revisions";
import type { XrefEntry } from "@/lib/engine/pdf/xref";

export type ChangeCategory =
  | "unchanged"
  | "xref-stream"
  | "object-stream"
  | "signature"
  | "doc-timestamp"
  | "signature-field"
  | "signature-appearance"
  | "acroform"
  | "acroform-resources"
  | "annotations"
  | "catalog"
  | "dss"
  | "metadata"
  | "other";

export interface ObjectChange {
  num: number;
  change: "added" | "changed" | "deleted";
  category: ChangeCategory;
  /** True when the change is one a later signature, DSS or document timestamp legitimately makes. */
  allowed: boolean;
}

export interface RevisionChanges {
  index: number;
  end: number;
  changes: ObjectChange[];
  /** Every change of this revision is allowed. */
  onlySignatureUpdates: boolean;
}

export interface ChangesAfter {
  /** Revisions that end after the given offset, oldest first. */
  revisions: RevisionChanges[];
  /** True when the offset is exactly the end of a revision (what a valid signature covers). */
  offsetIsRevisionEnd: boolean;
  /** Bytes after the end of the last revision other than white space (appended data without a cross-reference section). */
  trailingBytes: number;
  /** Nothing but later signatures, their fields and appearances, AcroForm/annotation links to them, DSS and document timestamps. */
  onlySignatureUpdates: boolean;
}

/**
 * Classifies what changed in the revisions that end after `offset` (typically the end of
 * a signature's byte range): which objects were added, changed or deleted, and whether
 * each change is one that signing, DSS or a document timestamp makes. Pragmatic, not a
 * full diff: a changed page may only gain signature widgets in /Annots, the catalog
 * may only change /AcroForm, /DSS, /Extensions, /Version and /Metadata, the document
 * information dictionary and XMP metadata may be updated (pyHanko and others do), and so on.
 */
export function analyseChangesAfter(pdf: Uint8Array, offset: number, limits?: Partial<PdfLimits>): ChangesAfter {
  return analyseChangesOf(PdfFile.open(pdf, limits), offset);
}

/** analyseChangesAfter on a file already open (within its budget). */
export function analyseChangesOf(file: PdfFile, offset: number): ChangesAfter {
  const revisions = revisionsOf(file);
  const states = new RevisionStates(file, revisions);
  const out: RevisionChanges[] = [];
  for (const revision of revisions) {
    if (revision.end <= offset || revision.index === 0) continue;
    const changes = classifyRevision(file, states, revision.index);
    out.push({
      index: revision.index,
      end: revision.end,
      changes,
      onlySignatureUpdates: changes.every((c) => c.allowed),
    });
  }
  const lastEnd = revisions[revisions.length - 1]?.end ?? 0;
  const trailingBytes = countNonWhite(file.bytes, lastEnd);
  return {
    revisions: out,
    offsetIsRevisionEnd: revisions.some((r) => r.end === offset),
    trailingBytes,
    onlySignatureUpdates: trailingBytes === 0 && out.every((r) => r.onlySignatureUpdates),
  };
}

function countNonWhite(bytes: Uint8Array, from: number): number {
  let count = 0;
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x0c && b !== 0x00) count++;
  }
  return count;
}

/** Objects as they were at the end of each revision. */
class RevisionStates {
  private readonly entries: Array<Map<number, XrefEntry>>;
  private readonly trailers: PdfDict[][];
  private readonly cache = new Map<string, PdfObject>();

  constructor(
    private readonly file: PdfFile,
    revisions: Revision[],
  ) {
    this.entries = revisions.map((revision) => {
      const merged = new Map<number, XrefEntry>();
      for (const section of [...revision.sections].reverse()) {
        for (const [num, entry] of section.entries) if (!merged.has(num)) merged.set(num, entry);
      }
      return merged;
    });
    // Newest section first within each revision.
    this.trailers = revisions.map((revision) => [...revision.sections].reverse().map((section) => section.trailer));
  }

  changedIn(revision: number): Map<number, XrefEntry> {
    return this.entries[revision] ?? new Map();
  }

  entryAt(num: number, revision: number): XrefEntry | undefined {
    for (let r = revision; r >= 0; r--) {
      const entry = this.entries[r]?.get(num);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  /** Object `num` as of the end of `revision`; null when free or absent; undefined when unreadable. */
  get(num: number, revision: number): PdfObject | undefined {
    const key = `${num}@${revision}`;
    if (this.cache.has(key)) return this.cache.get(key) ?? null;
    const entry = this.entryAt(num, revision);
    let value: PdfObject | undefined = null;
    if (entry !== undefined && entry.type !== 0) {
      try {
        const streamEntry = entry.type === 2 ? this.entryAt(entry.stream, revision) : undefined;
        value = this.file.readEntry(num, entry, { streamEntry });
      } catch {
        value = undefined;
      }
    }
    if (value !== undefined) this.cache.set(key, value);
    return value;
  }

  resolve(value: PdfObject | undefined, revision: number): PdfObject | undefined {
    let current = value;
    for (let hops = 0; current instanceof PdfRef && hops < 32; hops++) current = this.get(current.num, revision);
    return current instanceof PdfRef ? undefined : current;
  }

  /** The object number of a trailer entry (/Root, /Info) as of the end of `revision`. */
  trailerRefNumber(key: string, revision: number): number | undefined {
    for (let r = revision; r >= 0; r--) {
      for (const trailer of this.trailers[r] ?? []) {
        const value = trailer.get(key);
        if (value instanceof PdfRef) return value.num;
      }
    }
    return undefined;
  }
}

function classifyRevision(file: PdfFile, states: RevisionStates, revision: number): ObjectChange[] {
  const changed = states.changedIn(revision);
  const get = (value: PdfObject | undefined, r = revision) => states.resolve(value, r);
  const rootNum = states.trailerRefNumber("Root", revision);
  const infoNum = states.trailerRefNumber("Info", revision);
  const catalog = rootNum === undefined ? undefined : dictOf(states.get(rootNum, revision));
  const acroFormEntry = catalog?.get("AcroForm");
  const acroForm = dictOf(get(acroFormEntry));
  const fieldsEntry = acroForm?.get("Fields");
  const dssEntry = catalog?.get("DSS");

  const isSignatureField = (value: PdfObject | undefined): boolean => {
    const dict = dictOf(get(value));
    if (dict === undefined) return false;
    if (isNameValue(dict.get("FT"), "Sig")) return true;
    const parent = dictOf(get(dict.get("Parent")));
    return parent !== undefined && isNameValue(parent.get("FT"), "Sig");
  };

  // New objects that hang off allowed roots: appearance streams of signature widgets, DSS content, AcroForm resources.
  const reachable = new Map<number, ChangeCategory>();
  const collect = (start: PdfObject | undefined, category: ChangeCategory) => {
    const stack: PdfObject[] = start === undefined ? [] : [start];
    while (stack.length > 0) {
      file.budget.tick();
      const value = stack.pop() as PdfObject;
      if (value instanceof PdfRef) {
        if (!changed.has(value.num) || reachable.has(value.num)) continue;
        reachable.set(value.num, category);
        const target = states.get(value.num, revision);
        if (target !== undefined && target !== null) stack.push(target);
      } else if (Array.isArray(value)) {
        stack.push(...value);
      } else if (value instanceof PdfDict) {
        for (const [key, item] of value.entries) if (key !== "Parent" && key !== "P") stack.push(item);
      } else if (value instanceof PdfStream) {
        stack.push(value.dict);
      }
    }
  };
  for (const num of changed.keys()) {
    const value = states.get(num, revision);
    if (dictOf(value) !== undefined && isSignatureField(new PdfRef(num, 0)) && states.get(num, revision - 1) === null) {
      collect(dictOf(value)?.get("AP"), "signature-appearance");
    }
  }
  if (dssEntry !== undefined) collect(dssEntry instanceof PdfRef ? dssEntry : dictOf(dssEntry), "dss");
  if (acroForm !== undefined) collect(acroForm.get("DR"), "acroform-resources");

  const out: ObjectChange[] = [];
  for (const [num, entry] of changed) {
    file.budget.tick();
    if (num === 0) continue; // the head of the free list, rewritten by every update
    const before = states.get(num, revision - 1);
    const after = entry.type === 0 ? null : states.get(num, revision);
    const change: ObjectChange["change"] = after === null ? "deleted" : before === null ? "added" : "changed";
    const verdict = (category: ChangeCategory, allowed: boolean): ObjectChange => ({ num, change, category, allowed });
    if (after === null || after === undefined) {
      out.push(verdict("other", false));
      continue;
    }
    if (before !== undefined && before !== null && samePdfObject(before, after)) {
      out.push(verdict("unchanged", true));
      continue;
    }
    const dict = dictOf(after);
    const type = dict?.get("Type");
    if (after instanceof PdfStream && isNameValue(type, "XRef")) {
      out.push(verdict("xref-stream", true));
    } else if (after instanceof PdfStream && isNameValue(type, "ObjStm")) {
      out.push(verdict("object-stream", true));
    } else if (num === rootNum && dict !== undefined) {
      const beforeDict = dictOf(before);
      const keys = beforeDict ? changedKeys(beforeDict, dict) : new Set<string>();
      out.push(
        verdict(
          "catalog",
          beforeDict !== undefined && onlyKeys(keys, ["AcroForm", "DSS", "Extensions", "Version", "Metadata"]),
        ),
      );
    } else if (
      num === infoNum ||
      (after instanceof PdfStream && isNameValue(type, "Metadata") && isNameValue(dict?.get("Subtype"), "XML"))
    ) {
      // Document information and XMP metadata (producer, modification date) are updated by most signers.
      out.push(verdict("metadata", true));
    } else if (acroFormEntry instanceof PdfRef && num === acroFormEntry.num && dict !== undefined) {
      out.push(verdict("acroform", acroFormChangeAllowed(states, revision, dictOf(before), dict, isSignatureField)));
    } else if (dssEntry instanceof PdfRef && num === dssEntry.num) {
      out.push(verdict("dss", true));
    } else if (
      dict !== undefined &&
      (isNameValue(type, "Sig") || isNameValue(type, "DocTimeStamp") || (dict.has("ByteRange") && dict.has("Contents")))
    ) {
      out.push(verdict(isNameValue(type, "DocTimeStamp") ? "doc-timestamp" : "signature", change === "added"));
    } else if (dict !== undefined && isSignatureField(new PdfRef(num, 0))) {
      const beforeDict = dictOf(before);
      const filledEmptyField =
        beforeDict !== undefined && !beforeDict.has("V") && onlyKeys(changedKeys(beforeDict, dict), ["V", "AP"]);
      out.push(verdict("signature-field", change === "added" || filledEmptyField));
    } else if (dict !== undefined && isNameValue(type, "Page")) {
      const beforeDict = dictOf(before);
      const allowed =
        beforeDict !== undefined &&
        onlyKeys(changedKeys(beforeDict, dict), ["Annots"]) &&
        onlyAddsSignatureFields(get(beforeDict.get("Annots"), revision - 1), get(dict.get("Annots")), isSignatureField);
      out.push(verdict("annotations", allowed));
    } else if (isArray(after)) {
      const isFields = fieldsEntry instanceof PdfRef && fieldsEntry.num === num;
      out.push(
        verdict(isFields ? "acroform" : "annotations", onlyAddsSignatureFields(before ?? [], after, isSignatureField)),
      );
    } else if (reachable.has(num)) {
      const category = reachable.get(num) as ChangeCategory;
      out.push(verdict(category, change === "added" || category === "dss"));
    } else {
      out.push(verdict("other", false));
    }
  }
  return out.sort((a, b) => a.num - b.num);
}

function acroFormChangeAllowed(
  states: RevisionStates,
  revision: number,
  before: PdfDict | undefined,
  after: PdfDict,
  isSignatureField: (value: PdfObject | undefined) => boolean,
): boolean {
  const keys = before ? changedKeys(before, after) : new Set(after.entries.keys());
  if (!onlyKeys(keys, ["Fields", "SigFlags", "DR", "DA"])) return false;
  const oldFields = before ? states.resolve(before.get("Fields"), revision - 1) : [];
  return onlyAddsSignatureFields(oldFields ?? [], states.resolve(after.get("Fields"), revision), isSignatureField);
}

/** `after` keeps every element of `before` and every element it adds is a signature field. */
function onlyAddsSignatureFields(
  before: PdfObject | undefined,
  after: PdfObject | undefined,
  isSignatureField: (value: PdfObject | undefined) => boolean,
): boolean {
  const oldItems = isArray(before) ? before : [];
  if (!isArray(after)) return oldItems.length === 0;
  const remaining = [...after];
  for (const item of oldItems) {
    const at = remaining.findIndex((candidate) => samePdfObject(candidate, item));
    if (at < 0) return false;
    remaining.splice(at, 1);
  }
  return remaining.every((item) => isSignatureField(item));
}

function onlyKeys(keys: Set<string>, allowed: string[]): boolean {
  for (const key of keys) if (!allowed.includes(key)) return false;
  return true;
}

function isNameValue(value: PdfObject | undefined, expected: string): boolean {
  return value instanceof PdfName && value.value === expected;
}
