import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { boundedChunks, ByteLimitError, readAtMost } from "@/lib/streams/bounded-read";

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

function webStream(chunks: Uint8Array[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

describe("readAtMost", () => {
  it("joins every chunk of a web stream, a Node stream and a list of parts", async () => {
    expect(await readAtMost(webStream([bytes(3, 1), bytes(2, 2)]).stream, 5)).toEqual(new Uint8Array([1, 1, 1, 2, 2]));
    expect(await readAtMost(Readable.from([Buffer.from([7]), Buffer.from([8, 9])]), 3)).toEqual(
      new Uint8Array([7, 8, 9]),
    );
    expect(await readAtMost([bytes(1), bytes(1)], 2)).toEqual(bytes(2));
    expect(await readAtMost(webStream([]).stream, 0)).toEqual(new Uint8Array(0));
  });

  it("refuses one byte past the limit with ByteLimitError and cancels the stream", async () => {
    const source = webStream([bytes(4), bytes(2), bytes(100)]);
    const error = await readAtMost(source.stream, 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ByteLimitError);
    expect((error as ByteLimitError).maxBytes).toBe(5);
    expect(source.cancelled()).toBe(true);
  });
});

describe("boundedChunks", () => {
  it("does not hand out the chunk that crosses the limit", async () => {
    const seen: number[] = [];
    const read = (async () => {
      for await (const chunk of boundedChunks([bytes(3), bytes(3), bytes(3)], 7)) seen.push(chunk.byteLength);
    })();
    await expect(read).rejects.toBeInstanceOf(ByteLimitError);
    expect(seen).toEqual([3, 3]);
  });

  it("has no limit unless given one, and cancels a web stream its consumer stops reading", async () => {
    let total = 0;
    for await (const chunk of boundedChunks([bytes(1000), bytes(1000)])) total += chunk.byteLength;
    expect(total).toBe(2000);
    const source = webStream([bytes(1), bytes(1), bytes(1)]);
    for await (const chunk of boundedChunks(source.stream)) if (chunk.byteLength > 0) break;
    expect(source.cancelled()).toBe(true);
  });
});
