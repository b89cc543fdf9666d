import { describe, expect, it } from "vitest";
import type { RevisionChanges } from "@/lib/engine/pdf/change-analysis";
import { changesAfter, judgeLaterRevisions, type DocumentRevisions } from "@/lib/engine/verify/changes-after";

const change = (num: number, category: string, allowed = true) => ({
  num,
  change: "added" as const,
  category: category as RevisionChanges["changes"][number]["category"],
  allowed,
});
const revision = (index: number, end: number, changes: RevisionChanges["changes"]): [number, RevisionChanges] => [
  index,
  { index, end, changes, onlySignatureUpdates: changes.every((c) => c.allowed) },
];

function doc(
  changes: Array<[number, RevisionChanges]>,
  sealed: DocumentRevisions["sealed"],
  extra: Partial<DocumentRevisions> = {},
): DocumentRevisions {
  return {
    bytes: new Uint8Array(600),
    revisionEnds: [100, 200, 300, 400],
    revisionChanges: new Map(changes),
    trailingBytes: 0,
    sealed,
    ...extra,
  };
}

describe("changes after a signature", () => {
  const sealedBySignatures = doc(
    [
      revision(1, 200, [change(10, "signature"), change(11, "signature-field")]),
      revision(2, 300, [change(12, "dss")]),
      revision(3, 400, [change(13, "doc-timestamp")]),
    ],
    [
      { revision: 0, kind: "signature" },
      { revision: 1, kind: "signature" },
      { revision: 3, kind: "document-timestamp" },
    ],
  );

  it("later signatures, a DSS and a document timestamp are allowed", () => {
    const judged = judgeLaterRevisions(sealedBySignatures);
    const report = changesAfter(sealedBySignatures, judged, { coveredUntil: 100, revision: 0 });
    expect(report.status).toBe("signature-updates-only");
    expect(report.laterRevisions.map((r) => [r.index, r.contents, r.allowed])).toEqual([
      [1, ["signature"], true],
      [2, ["dss"], true],
      [3, ["document-timestamp"], true],
    ]);
    expect(report.description).toBe(
      "Only later signatures, document timestamps and validation data (DSS) were added after this signature.",
    );
    expect(changesAfter(sealedBySignatures, judged, { coveredUntil: 400, revision: 3 }).status).toBe("none");
  });

  it("an update that no signature seals is a modification, even with only allowed object changes", () => {
    const d = doc([revision(1, 200, [change(24, "metadata")])], [{ revision: 0, kind: "signature" }]);
    const report = changesAfter(d, judgeLaterRevisions(d), { coveredUntil: 100, revision: 0 });
    expect(report).toMatchObject({ status: "modified", laterRevisions: [{ index: 1, allowed: false, contents: [] }] });
    expect(report.description).toBe("An unsigned incremental update (update 1) was appended after this signature.");
  });

  it("a signed update with a disallowed change is a modification", () => {
    const d = doc(
      [revision(1, 200, [change(10, "signature"), change(5, "other", false)])],
      [
        { revision: 0, kind: "signature" },
        { revision: 1, kind: "signature" },
      ],
    );
    expect(changesAfter(d, judgeLaterRevisions(d), { coveredUntil: 100, revision: 0 })).toMatchObject({
      status: "modified",
      laterRevisions: [{ contents: ["signature"], allowed: false }],
    });
  });

  it("appended bytes, and unsigned bytes after the range inside its revision, are modifications", () => {
    const trailing = doc([], [{ revision: 3, kind: "signature" }], { trailingBytes: 12 });
    expect(changesAfter(trailing, new Map(), { coveredUntil: 400, revision: 3 })).toMatchObject({
      status: "modified",
      appendedBytes: 12,
    });
    const bytes = new Uint8Array(400).fill(0x41);
    const inside = doc([], [{ kind: "signature" }], { bytes });
    expect(changesAfter(inside, new Map(), { coveredUntil: 390 })).toMatchObject({
      status: "modified",
      appendedBytes: 10,
      description: "Bytes after the signed range were added without being signed.",
    });
  });

  it("an unusable byte range counts as modified", () => {
    expect(changesAfter(sealedBySignatures, new Map(), {}).status).toBe("modified");
  });
});
