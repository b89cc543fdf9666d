// Runs once per `vitest run`, in the main process: a scratch folder the test workers share for
// the run (qpdf verdicts keyed by content, see pdf-tools.ts), removed when the run ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    qpdfCacheDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), "signet-qpdf-cache-"));
  project.provide("qpdfCacheDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
