import type { ByteSource } from "@/lib/streams/bounded-read";

/**
 * DocumentStore: where the bytes of originals and sealed files live, by an opaque random key.
 * The database holds the key, the size and the SHA-256; the store holds nothing else.
 */

export type StoredObject = { key: string; size: number; sha256: string };

export type PutOptions = {
  /** Refuse (and keep nothing) as soon as more than this many bytes arrive. */
  maxBytes?: number;
};

export interface DocumentStore {
  /** Writes the bytes under a new random key, atomically (readers never see a partial file), hashing as it goes; a sealed file arrives as two parts, original ‖ update. */
  put(source: ByteSource, options?: PutOptions): Promise<StoredObject>;
  /** All the bytes of an object. */
  get(key: string): Promise<Uint8Array>;
  /** The bytes as a stream, with the size for Content-Length. */
  stream(key: string): Promise<{ size: number; body: ReadableStream<Uint8Array> }>;
  /** Removes an object; removing a missing object is not an error. */
  remove(key: string): Promise<void>;
}
