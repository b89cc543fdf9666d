/**
 * DocumentStore: where the bytes of originals and sealed files live, by an opaque random key.
 * The database holds the key, the size and the SHA-256; the store holds nothing else.
 */

/** What a store writes: parts written one after the other (a sealed file is original ‖ update), or a stream. */
export type ByteSource = Iterable<Uint8Array> | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export type StoredObject = { key: string; size: number; sha256: string };

export type PutOptions = {
  /** Refuse (and keep nothing) as soon as more than this many bytes arrive. */
  maxBytes?: number;
};

export interface DocumentStore {
  /** Writes the bytes under a new random key, atomically (readers never see a partial file), hashing as it goes. */
  put(source: ByteSource, options?: PutOptions): Promise<StoredObject>;
  /** All the bytes of an object. */
  get(key: string): Promise<Uint8Array>;
  /** The bytes as a stream, with the size for Content-Length. */
  stream(key: string): Promise<{ size: number; body: ReadableStream<Uint8Array> }>;
  /** Removes an object; removing a missing object is not an error. */
  remove(key: string): Promise<void>;
}

/** Iterates any ByteSource chunk by chunk. */
export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof ReadableStream) {
    const reader = source.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        yield value;
      }
    } finally {
      // A consumer that stops early (a size limit, an error) cancels the body instead of leaving it half read.
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  yield* source as Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}
