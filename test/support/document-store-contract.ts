import { createHash, randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { DocumentError, UploadTooLargeError } from "@/lib/documents/document-errors";
import type { DocumentStore } from "@/lib/documents/document-store";

/**
 * What every DocumentStore must do, as test cases for a describe block: local-document-store.test.ts
 * and s3-document-store.test.ts run them against their store. `leftovers()` lists whatever the
 * store holds besides complete objects (temporary files, unfinished uploads): it must stay empty.
 */
export type DocumentStoreUnderTest = {
  store: () => DocumentStore & { has(key: string): Promise<boolean> };
  /** Keys of the complete objects the store holds. */
  objectKeys: () => Promise<string[]>;
  leftovers: () => Promise<string[]>;
};

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A body that arrives in chunks and counts what was pulled from it. */
export function chunkedStream(
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

export function documentStoreContract(subject: DocumentStoreUnderTest): void {
  it("contract: stores a stream under a random key with its size and SHA-256, and reads it back whole or streamed", async () => {
    const store = subject.store();
    const { stream, bytes } = chunkedStream(300_000, 65_536);
    const stored = await store.put(stream, { maxBytes: 1_000_000 });
    expect(stored.key).toMatch(/^[0-9a-f]{32}$/);
    expect(stored.size).toBe(300_000);
    expect(stored.sha256).toBe(sha256(bytes));
    expect(Buffer.from(await store.get(stored.key)).equals(bytes)).toBe(true);
    const { size, body } = await store.stream(stored.key);
    expect(size).toBe(300_000);
    expect(Buffer.from(await new Response(body).arrayBuffer()).equals(bytes)).toBe(true);
    expect(await subject.objectKeys()).toContain(stored.key);
    expect(await subject.leftovers()).toEqual([]);
  });

  it("contract: writes parts one after the other (original ‖ update) and gives every object its own key", async () => {
    const store = subject.store();
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([4, 5]);
    const one = await store.put([a, b]);
    const two = await store.put([a, b]);
    expect(one.key).not.toBe(two.key);
    expect([...(await store.get(one.key))]).toEqual([1, 2, 3, 4, 5]);
    expect(one).toMatchObject({ size: 5, sha256: sha256(new Uint8Array([1, 2, 3, 4, 5])) });
  });

  it("contract: stops reading a body as soon as it passes the limit, and keeps nothing", async () => {
    const store = subject.store();
    const before = (await subject.objectKeys()).length;
    const { stream, pulled } = chunkedStream(10_000_000, 65_536);
    await expect(store.put(stream, { maxBytes: 200_000 })).rejects.toBeInstanceOf(UploadTooLargeError);
    // Never read (let alone buffered) much past the limit.
    expect(pulled()).toBeLessThan(200_000 + 4 * 65_536);
    expect(await subject.leftovers()).toEqual([]);
    expect((await subject.objectKeys()).length).toBe(before);
  });

  it("contract: keeps nothing when the body fails half way", async () => {
    const store = subject.store();
    const before = (await subject.objectKeys()).length;
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 100_000) return controller.error(new Error("connection reset"));
        sent += 50_000;
        controller.enqueue(new Uint8Array(50_000));
      },
    });
    await expect(store.put(failing)).rejects.toThrow("connection reset");
    expect(await subject.leftovers()).toEqual([]);
    expect((await subject.objectKeys()).length).toBe(before);
  });

  it("contract: refuses keys that are not its own (no path traversal), says when a file is missing, removes idempotently", async () => {
    const store = subject.store();
    await expect(store.get("../../etc/passwd")).rejects.toBeInstanceOf(DocumentError);
    await expect(store.get("0".repeat(32))).rejects.toMatchObject({ code: "document.storage", status: 410 });
    await expect(store.stream("0".repeat(32))).rejects.toMatchObject({ code: "document.storage", status: 410 });
    const stored = await store.put([new Uint8Array([9])]);
    expect(await store.has(stored.key)).toBe(true);
    await store.remove(stored.key);
    await store.remove(stored.key);
    expect(await store.has(stored.key)).toBe(false);
    expect(await subject.objectKeys()).not.toContain(stored.key);
  });

  it("contract: stores an empty body", async () => {
    const store = subject.store();
    const stored = await store.put([]);
    expect(stored).toMatchObject({ size: 0, sha256: sha256(new Uint8Array()) });
    expect((await store.get(stored.key)).byteLength).toBe(0);
  });
}
