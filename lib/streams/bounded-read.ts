import { SignetError } from "@/lib/engine/errors";

/** Bytes arriving one chunk after another: parts written in order, a Node stream (async iterable), or a web stream. */
export type ByteSource = Iterable<Uint8Array> | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/** More than `maxBytes` arrived. Callers turn it into their own refusal (an upload's, a verification's). */
export class ByteLimitError extends SignetError {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super("bytes.too_large", `This is too large: at most ${maxBytes} bytes are accepted here.`, { status: 413 });
    this.maxBytes = maxBytes;
  }
}

/**
 * Iterates `source` chunk by chunk, throwing ByteLimitError as soon as more than `maxBytes`
 * arrived (the chunk that crosses the limit is not handed out). A web stream left unfinished,
 * by the limit or by a consumer that stops early, is cancelled instead of left half read.
 */
export async function* boundedChunks(
  source: ByteSource,
  maxBytes = Number.POSITIVE_INFINITY,
): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of chunksOf(source)) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ByteLimitError(maxBytes);
    yield chunk;
  }
}

/** All of `source` in one array, refusing with ByteLimitError (and cancelling a web stream) past `maxBytes`. */
export async function readAtMost(source: ByteSource, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of boundedChunks(source, maxBytes)) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
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
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
  }
  yield* source as Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}
