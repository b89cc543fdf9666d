// Runs once per `vitest run`, in the main process: a scratch folder the test workers share for
// the run (qpdf verdicts keyed by content, see pdf-tools.ts; the migrated database template, see
// test-database.ts), removed when the run ends, with the PostgreSQL template database if one was made.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { dropScratchPostgresDatabase, POSTGRES_TEMPLATE_FILE } from "@/test/support/postgres-scratch";

declare module "vitest" {
  export interface ProvidedContext {
    qpdfCacheDir: string;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "signet-qpdf-cache-"));
  project.provide("qpdfCacheDir", dir);
  return async () => {
    const template = path.join(dir, POSTGRES_TEMPLATE_FILE);
    const baseUrl = process.env.TEST_DATABASE_URL;
    try {
      if (baseUrl && existsSync(template)) await dropScratchPostgresDatabase(baseUrl, readFileSync(template, "utf8"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
