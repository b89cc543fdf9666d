/**
 * What happened to the file after a signature. lib/pdf classifies each later
 * revision's object changes (allowed: those signing, DSS and document timestamps
 * make); on top of that a later revision is only acceptable when it has a reason
 * to exist: a signature or document timestamp that seals exactly that revision,
 * or a DSS update. Anything else (an unsigned incremental update, even one that
 * only edits /Info; bytes appended without an update; bytes after the signed
 * range inside its own revision) means the document was modified.
 */
import type { RevisionChanges } from "@/lib/engine/pdf/change-analysis";
import { firstNonWhiteSpace } from "@/lib/engine/verify/byte-range-check";
import type {
  ChangesAfterReport,
  LaterRevisionContent,
  LaterRevisionReport,
  SignatureKind,
} from "@/lib/engine/verify/verification-report";

export interface DocumentRevisions {
  bytes: Uint8Array;
  revisionEnds: readonly number[];
  revisionChanges: ReadonlyMap<number, RevisionChanges>;
  /** Non-white bytes after the last revision. */
  trailingBytes: number;
  /** The revision each signature or document timestamp seals. */
  sealed: ReadonlyArray<{ revision?: number; kind: SignatureKind }>;
}

/** Every later revision, judged once per document. */
export function judgeLaterRevisions(doc: DocumentRevisions): Map<number, LaterRevisionReport> {
  const out = new Map<number, LaterRevisionReport>();
  for (const [index, revision] of doc.revisionChanges) {
    const contents = new Set<LaterRevisionContent>();
    for (const seal of doc.sealed)
      if (seal.revision === index)
        contents.add(seal.kind === "document-timestamp" ? "document-timestamp" : "signature");
    if (revision.changes.some((c) => c.category === "dss")) contents.add("dss");
    const problem = !revision.onlySignatureUpdates
      ? "It changes more than a later signature, DSS or document timestamp may change."
      : contents.size === 0
        ? "It is an incremental update that no later signature or document timestamp seals and that adds no DSS."
        : undefined;
    out.set(index, {
      index,
      end: revision.end,
      contents: [...contents].sort(),
      allowed: problem === undefined,
      problem,
      changes: revision.changes.map((c) => ({
        object: c.num,
        change: c.change,
        category: c.category,
        allowed: c.allowed,
      })),
    });
  }
  return out;
}

/** The changes after one signature, given where its signed bytes end and the revision it seals. */
export function changesAfter(
  doc: DocumentRevisions,
  judged: ReadonlyMap<number, LaterRevisionReport>,
  signature: { coveredUntil?: number; revision?: number },
): ChangesAfterReport {
  if (signature.coveredUntil === undefined) {
    return {
      status: "modified",
      laterRevisions: [],
      appendedBytes: 0,
      description: "The signed part of the file is unknown (the byte range is unusable).",
    };
  }
  const covered = signature.coveredUntil;
  let afterRevision: number; // revisions with a higher index come after the signature
  let appendedBytes: number;
  let uncoveredInOwnRevision = 0;
  if (signature.revision !== undefined) {
    afterRevision = signature.revision;
    appendedBytes = doc.trailingBytes;
  } else {
    // The signed range stops inside a revision (or past the last one): what follows it there is unsigned.
    const own = doc.revisionEnds.findIndex((end) => end > covered);
    const ownEnd = own < 0 ? doc.bytes.length : (doc.revisionEnds[own] as number);
    // Bytes from the first non-white one to the end of that revision (found without counting them all: a hostile file may hold many such signatures).
    const first = firstNonWhiteSpace(doc.bytes, covered, ownEnd);
    uncoveredInOwnRevision = first < 0 ? 0 : ownEnd - first;
    afterRevision = own < 0 ? Number.POSITIVE_INFINITY : own;
    appendedBytes = uncoveredInOwnRevision + (own < 0 ? 0 : doc.trailingBytes);
  }
  const laterRevisions = [...judged.values()].filter((r) => r.index > afterRevision);
  laterRevisions.sort((x, y) => x.index - y.index);

  const disallowed = laterRevisions.filter((r) => !r.allowed);
  const status =
    disallowed.length > 0 || appendedBytes > 0
      ? "modified"
      : laterRevisions.length > 0
        ? "signature-updates-only"
        : "none";
  return {
    status,
    laterRevisions,
    appendedBytes,
    description: describe(status, laterRevisions, doc.trailingBytes, uncoveredInOwnRevision),
  };
}

function describe(
  status: ChangesAfterReport["status"],
  later: LaterRevisionReport[],
  trailingBytes: number,
  uncovered: number,
): string {
  if (status === "none") return "Nothing was added to the file after this signature.";
  if (status === "signature-updates-only") {
    const kinds = new Set(later.flatMap((r) => r.contents));
    const words = [
      kinds.has("signature") && "signatures",
      kinds.has("document-timestamp") && "document timestamps",
      kinds.has("dss") && "validation data (DSS)",
    ].filter(Boolean);
    return `Only later ${words.join(", ").replace(/, ([^,]*)$/, " and $1")} were added after this signature.`;
  }
  if (uncovered > 0) return "Bytes after the signed range were added without being signed.";
  const bad = later.find((r) => !r.allowed);
  if (bad !== undefined) {
    return bad.contents.length === 0 && bad.problem?.startsWith("It is an incremental update")
      ? `An unsigned incremental update (update ${bad.index}) was appended after this signature.`
      : `A later incremental update (update ${bad.index}) changes more than signatures, DSS or document timestamps may change.`;
  }
  return trailingBytes > 0
    ? `${trailingBytes} bytes were appended after the last revision without a proper incremental update.`
    : "The file was changed after this signature.";
}
