import { readFileSync } from "node:fs";
import path from "node:path";

import { PDF_CORPUS_DIR } from "@/test/support/shared-dir";

export const CORPUS_DIR = process.env.SIGNET_PDF_CORPUS ?? PDF_CORPUS_DIR;

export type CorpusExpectation =
  "seal-ok" | "reject-encrypted" | "reject-damaged" | "reject-not-pdf" | "repair-or-reject";

export interface CorpusFile {
  /** "p01-…pdf" or "more/p01-…pdf" */
  id: string;
  path: string;
  expected: CorpusExpectation;
  structure: string;
  notes: string;
}

/** Both corpus manifests (this folder and more/). */
export function corpusFiles(): CorpusFile[] {
  return [...readManifest(""), ...readManifest("more")];
}

function readManifest(sub: string): CorpusFile[] {
  const dir = path.join(CORPUS_DIR, sub);
  const lines = readFileSync(path.join(dir, "manifest.tsv"), "utf8").trim().split("\n");
  const header = (lines.shift() ?? "").split("\t");
  const col = (name: string) => header.indexOf(name);
  return lines.map((line) => {
    const cells = line.split("\t");
    const file = cells[col("file")] ?? "";
    return {
      id: sub ? `${sub}/${file}` : file,
      path: path.join(dir, file),
      expected: cells[col("expected")] as CorpusExpectation,
      structure: cells[col("structure")] ?? "",
      notes: cells[col("notes")] ?? "",
    };
  });
}

export function readCorpusFile(file: CorpusFile): Uint8Array {
  return readFileSync(file.path);
}
