import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DocumentError, UploadTooLargeError } from "@/lib/documents/document-errors";
import { readDocumentSettings } from "@/lib/documents/document-settings";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";

const dir = mkdtempSync(path.join(tmpdir(), "signet-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A body that arrives in chunks and counts what was pulled from it. */
function chunkedStream(
  total: number,
  chunk: number,
): { stream: ReadableStream<Uint8Array>; pulled: () => number; bytes: Uint8Array } {
  const bytes = randomBytes(total);
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= total) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + chunk)));
      offset += chunk;
    },
  });
  return { stream, pulled: () => offset, bytes };
}

function incoming(): string[] {
  return readdirSync(path.join(dir, ".incoming"));
}

describe("LocalDocumentStore", () => {
  const store = new LocalDocumentStore(dir);

  it("stores a stream under a random key with its size and SHA-256, and reads it back whole or streamed", async () => {
    const { stream, bytes } = chunkedStream(300_000, 65_536);
    const stored = await store.put(stream, { maxBytes: 1_000_000 });
    expect(stored.key).toMatch(/^[0-9a-f]{32}$/);
    expect(stored.size).toBe(300_000);
    expect(stored.sha256).toBe(sha256(bytes));
    expect(Buffer.from(await store.get(stored.key)).equals(bytes)).toBe(true);
    const { size, body } = await store.stream(stored.key);
    expect(size).toBe(300_000);
    const back = Buffer.from(await new Response(body).arrayBuffer());
    expect(back.equals(bytes)).toBe(true);
    expect(statSync(path.join(dir, stored.key.slice(0, 2), stored.key)).mode & 0o777).toBe(0o600);
    expect(incoming()).toEqual([]);
  });

  it("writes parts one after the other (original ‖ update) and gives every object its own key", async () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([4, 5]);
    const one = await store.put([a, b]);
    const two = await store.put([a, b]);
    expect(one.key).not.toBe(two.key);
    expect([...(await store.get(one.key))]).toEqual([1, 2, 3, 4, 5]);
    expect(one.sha256).toBe(sha256(new Uint8Array([1, 2, 3, 4, 5])));
  });

  it("stops reading a body as soon as it passes the limit, and keeps nothing", async () => {
    const before = readdirSync(dir).length;
    const { stream, pulled } = chunkedStream(10_000_000, 65_536);
    await expect(store.put(stream, { maxBytes: 200_000 })).rejects.toBeInstanceOf(UploadTooLargeError);
    // Never read (let alone buffered) much past the limit.
    expect(pulled()).toBeLessThan(200_000 + 4 * 65_536);
    expect(incoming()).toEqual([]);
    expect(readdirSync(dir).length).toBe(before);
  });

  it("keeps nothing when the body fails half way", async () => {
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 100_000) return controller.error(new Error("connection reset"));
        sent += 50_000;
        controller.enqueue(new Uint8Array(50_000));
      },
    });
    await expect(store.put(failing)).rejects.toThrow("connection reset");
    expect(incoming()).toEqual([]);
  });

  it("refuses keys that are not its own (no path traversal), and says when a file is missing", async () => {
    await expect(store.get("../../etc/passwd")).rejects.toBeInstanceOf(DocumentError);
    await expect(store.get("0".repeat(32))).rejects.toMatchObject({ code: "document.storage" });
    const stored = await store.put([new Uint8Array([9])]);
    await store.remove(stored.key);
    await store.remove(stored.key);
    expect(await store.has(stored.key)).toBe(false);
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
