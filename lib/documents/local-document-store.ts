import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, readFile, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { DocumentError, UploadTooLargeError } from "@/lib/documents/document-errors";
import { boundedChunks, ByteLimitError, type ByteSource } from "@/lib/streams/bounded-read";
import type { DocumentStore, PutOptions, StoredObject } from "@/lib/documents/document-store";

const KEY_PATTERN = /^[0-9a-f]{32}$/;
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Documents on local disk: `<dir>/<k0k1>/<key>`, keys of 128 random bits. A file is written
 * to `<dir>/.incoming/` first (same file system), flushed, then renamed into place, so a
 * crash or a refused upload never leaves a partial file under a key.
 */
export class LocalDocumentStore implements DocumentStore {
  readonly dir: string;
  private ready: Promise<void> | undefined;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  async put(source: ByteSource, options: PutOptions = {}): Promise<StoredObject> {
    await this.prepare();
    const key = randomBytes(16).toString("hex");
    const temp = path.join(this.dir, ".incoming", `${key}.${randomBytes(4).toString("hex")}.part`);
    const hash = createHash("sha256");
    let size = 0;
    let handle: FileHandle | undefined = await open(
      temp,
      constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY,
      0o600,
    );
    try {
      for await (const chunk of boundedChunks(source, options.maxBytes)) {
        size += chunk.byteLength;
        hash.update(chunk);
        await handle.write(chunk);
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      const target = this.pathOf(key);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await rename(temp, target);
      return { key, size, sha256: hash.digest("hex") };
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw error instanceof ByteLimitError ? new UploadTooLargeError(error.maxBytes) : error;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (error) {
      throw missingOr(error);
    }
  }

  async stream(key: string): Promise<{ size: number; body: ReadableStream<Uint8Array> }> {
    const file = this.pathOf(key);
    let handle: FileHandle;
    let size: number;
    try {
      handle = await open(file, "r");
      size = (await handle.stat()).size;
    } catch (error) {
      throw missingOr(error);
    }
    let position = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const buffer = new Uint8Array(Math.min(READ_CHUNK_BYTES, Math.max(1, size - position)));
          const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
          if (bytesRead === 0) {
            await handle.close();
            controller.close();
            return;
          }
          position += bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
        } catch (error) {
          await handle.close().catch(() => undefined);
          controller.error(error);
        }
      },
      async cancel() {
        await handle.close().catch(() => undefined);
      },
    });
    return { size, body };
  }

  async remove(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  /** Whether an object exists (tests and housekeeping). */
  async has(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key))
      throw new DocumentError("document.bad_key", "That stored document reference is not valid.", { status: 500 });
    return path.join(this.dir, key.slice(0, 2), key);
  }

  private prepare(): Promise<void> {
    this.ready ??= mkdir(path.join(this.dir, ".incoming"), { recursive: true, mode: 0o700 }).then(() => undefined);
    return this.ready;
  }
}

function missingOr(error: unknown): unknown {
  if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") {
    return new DocumentError("document.storage", "The stored file of this document is missing. Upload it again.", {
      status: 410,
      cause: error,
    });
  }
  return error;
}
