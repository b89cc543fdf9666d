import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readDocumentSettings } from "@/lib/documents/document-settings";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { documentStoreContract } from "@/test/support/document-store-contract";

const dir = mkdtempSync(path.join(tmpdir(), "signet-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function incoming(): string[] {
  return readdirSync(path.join(dir, ".incoming"));
}

/** Every file under a two-character shard folder: the complete objects. */
function objectKeys(): string[] {
  return readdirSync(dir)
    .filter((name) => /^[0-9a-f]{2}$/.test(name))
    .flatMap((shard) => readdirSync(path.join(dir, shard)));
}

describe("LocalDocumentStore", () => {
  const store = new LocalDocumentStore(dir);

  documentStoreContract({
    store: () => store,
    objectKeys: async () => objectKeys(),
    leftovers: async () => incoming(),
  });

  it("writes files readable by Signet only, under a shard folder, through .incoming", async () => {
    const stored = await store.put([new Uint8Array(300_000)]);
    expect(statSync(path.join(dir, stored.key.slice(0, 2), stored.key)).mode & 0o777).toBe(0o600);
    expect(incoming()).toEqual([]);
  });
});

describe("document settings", () => {
  it("defaults to $SIGNET_DATA_DIR/documents and 200 MB, both configurable", () => {
    expect(readDocumentSettings({ SIGNET_DATA_DIR: "/srv/signet" })).toEqual({
      documentDir: "/srv/signet/documents",
      maxUploadBytes: 200 * 1024 * 1024,
    });
    expect(readDocumentSettings({ SIGNET_DOCUMENT_DIR: "/mnt/docs", SIGNET_MAX_UPLOAD_MB: "5" })).toEqual({
      documentDir: "/mnt/docs",
      maxUploadBytes: 5 * 1024 * 1024,
    });
    expect(() => readDocumentSettings({ SIGNET_MAX_UPLOAD_MB: "lots" })).toThrow(/SIGNET_MAX_UPLOAD_MB/);
  });
});
