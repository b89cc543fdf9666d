import { Zip, ZipPassThrough } from "fflate";
import type { DocumentStore } from "@/lib/documents/document-store";
import { uniqueNames } from "@/lib/documents/file-names";

/**
 * A zip of stored files, streamed: each file is read from the store chunk by chunk and
 * stored uncompressed (PDFs are compressed already). Reading waits while the consumer's
 * queue is full, so memory stays flat whatever the size of the batch.
 */
export function zipStoredFiles(
  store: DocumentStore,
  files: readonly { fileName: string; storageKey: string }[],
): ReadableStream<Uint8Array> {
  const names = uniqueNames(files.map((f) => f.fileName));
  let wake: (() => void) | undefined;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const zip = new Zip((error, chunk, final) => {
          if (error) {
            controller.error(error);
            return;
          }
          controller.enqueue(chunk);
          if (final) controller.close();
        });
        const roomInQueue = async () => {
          while (!cancelled && (controller.desiredSize ?? 1) <= 0)
            await new Promise<void>((resolve) => (wake = resolve));
        };
        void (async () => {
          try {
            for (const [i, file] of files.entries()) {
              const entry = new ZipPassThrough(names[i] ?? file.fileName);
              zip.add(entry);
              const { body } = await store.stream(file.storageKey);
              const reader = body.getReader();
              for (;;) {
                await roomInQueue();
                if (cancelled) {
                  await reader.cancel();
                  zip.terminate();
                  return;
                }
                const { done, value } = await reader.read();
                if (done) break;
                entry.push(value);
              }
              entry.push(new Uint8Array(0), true);
            }
            zip.end();
          } catch (error) {
            zip.terminate();
            controller.error(error);
          }
        })();
      },
      pull() {
        wake?.();
        wake = undefined;
      },
      cancel() {
        cancelled = true;
        wake?.();
      },
    },
    { highWaterMark: 4 },
  );
}
