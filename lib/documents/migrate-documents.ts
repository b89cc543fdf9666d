import { createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { DocumentError } from "@/lib/documents/document-errors";
import type { DocumentStore } from "@/lib/documents/document-store";
import type { S3DocumentStore } from "@/lib/documents/s3-document-store";
import { isSignetError } from "@/lib/engine/errors";

/** A file the database records: an uploaded original or a sealed output. */
export type RecordedFile = { kind: "original" | "sealed"; id: string; key: string; sha256: string; size: number };

export type MigrationFailure = { file: RecordedFile; reason: string };

export type MigrationReport = {
  /** Files the database records (a key recorded twice counts once). */
  files: number;
  copied: number;
  copiedBytes: number;
  /** Already in the target with the recorded SHA-256: left as they are. */
  alreadyThere: number;
  failures: MigrationFailure[];
};

const PAGE = 500;

/** Every stored file the database records, originals then sealed outputs, each key once. */
export async function* recordedFiles(db: Db): AsyncGenerator<RecordedFile> {
  const seen = new Set<string>();
  for (let cursor: string | undefined; ;) {
    const page = await db.document.findMany({
      select: { id: true, storageKey: true, sha256: true, size: true },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
    });
    for (const row of page) {
      if (seen.has(row.storageKey)) continue;
      seen.add(row.storageKey);
      yield { kind: "original", id: row.id, key: row.storageKey, sha256: row.sha256, size: row.size };
    }
    if (page.length < PAGE) break;
    cursor = page.at(-1)?.id;
  }
  for (let cursor: string | undefined; ;) {
    const page = await db.seal.findMany({
      select: { id: true, storageKey: true, sealedSha256: true, size: true },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
    });
    for (const row of page) {
      if (seen.has(row.storageKey)) continue;
      seen.add(row.storageKey);
      yield { kind: "sealed", id: row.id, key: row.storageKey, sha256: row.sealedSha256, size: row.size };
    }
    if (page.length < PAGE) break;
    cursor = page.at(-1)?.id;
  }
}

async function sha256Of(body: ReadableStream<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  const reader = body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) hash.update(read.value);
  return hash.digest("hex");
}

/**
 * Copies every file the database records from `source` to `target` under the same key, so no
 * row changes: afterwards only the configuration (SIGNET_DOCUMENT_STORE) does. Each copy is hashed
 * as it goes up and read back from the target, and both SHA-256 must equal the recorded one; a copy
 * that does not is removed again and reported. A file already in the target with the recorded
 * SHA-256 is skipped, so an interrupted migration is finished by running it again. The source is
 * left as it is. One file at a time.
 */
export async function migrateDocuments(
  db: Db,
  source: DocumentStore,
  target: S3DocumentStore,
  onFailure: (failure: MigrationFailure) => void = () => undefined,
): Promise<MigrationReport> {
  const report: MigrationReport = { files: 0, copied: 0, copiedBytes: 0, alreadyThere: 0, failures: [] };
  for await (const file of recordedFiles(db)) {
    report.files++;
    try {
      const present = await target.head(file.key);
      if (present?.size === file.size && (await sha256Of((await target.stream(file.key)).body)) === file.sha256) {
        report.alreadyThere++;
        continue;
      }
      const { body } = await source.stream(file.key);
      const stored = await target.putAt(file.key, body);
      const readBack = stored.sha256 === file.sha256 ? await sha256Of((await target.stream(file.key)).body) : undefined;
      if (readBack !== file.sha256) {
        await target.remove(file.key);
        throw new DocumentError(
          "document.storage",
          readBack === undefined
            ? `the source file's SHA-256 is ${stored.sha256}, not the recorded ${file.sha256}; nothing was kept`
            : `the copy read back has SHA-256 ${readBack}, not the recorded ${file.sha256}; it was removed`,
          { status: 500 },
        );
      }
      report.copied++;
      report.copiedBytes += stored.size;
    } catch (error) {
      // The target refusing, missing or unreachable is not about one file: stop at once.
      if (!isSignetError(error) || (error.code !== "document.storage" && error.code !== "document.bad_key"))
        throw error;
      const failure = { file, reason: error.message };
      report.failures.push(failure);
      onFailure(failure);
    }
  }
  return report;
}
