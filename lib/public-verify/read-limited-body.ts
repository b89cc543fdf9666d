import { VerifyEmptyError, VerifyTooLargeError } from "./public-verify-errors";

/**
 * Reads a request body into memory, refusing (and cancelling the stream) as soon as more
 * than `maxBytes` arrive. The bytes are kept in memory only: nothing is written anywhere.
 */
export async function readLimitedBody(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (body === null) throw new VerifyEmptyError();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      size += value.byteLength;
      if (size > maxBytes) throw new VerifyTooLargeError(maxBytes);
      chunks.push(value);
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  if (size === 0) throw new VerifyEmptyError();
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
