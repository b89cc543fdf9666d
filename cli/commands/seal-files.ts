// The files of `signet seal`: the input read once, and the output written whole or not at all.
import fs from "node:fs";
import path from "node:path";
import { SignetError } from "@/lib/engine/errors";
import type { PrefixDigest } from "@/lib/engine/seal";

/** Read and written in pieces of this size: small enough to overlap, large enough that calls cost nothing. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The sealed file, written beside its destination under a temporary name and renamed over it
 * once complete; `discard` removes it. Writes run on a libuv thread while the caller goes on
 * (hashing, parsing), one after another: writes to one file from several threads at once contend
 * for its lock (100 MB in 4 MiB pieces: 70 to 190 ms of system time, against 23 in turn).
 * `commit` waits for them all.
 */
export class OutputFile {
  /** The last write started; each starts when the one before it is done, and none after one fails. */
  private written: Promise<void> = Promise.resolve();

  private constructor(
    private readonly handle: fs.promises.FileHandle,
    readonly temporary: string,
    readonly destination: string,
  ) {}

  /** Creates the temporary file (exclusively: an existing one is not reused). */
  static async create(destination: string): Promise<OutputFile> {
    const temporary = path.join(
      path.dirname(path.resolve(destination)),
      `.${path.basename(destination)}.${process.pid}.partial`,
    );
    const handle = await fs.promises.open(temporary, "wx").catch((error: unknown) => {
      throw new SignetError(
        "cli.output",
        `cannot write ${destination}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    });
    return new OutputFile(handle, temporary, destination);
  }

  /** Starts writing `bytes` at `position`; they must not change until commit or discard. */
  write(bytes: Uint8Array, position: number): void {
    this.written = this.written.then(() => writeFully(this.handle, bytes, position));
    this.written.catch(() => undefined); // awaited in commit or discard; no unhandled rejection meanwhile
  }

  /**
   * Waits for every write, closes the file and renames it to its destination. With `mode`, the
   * file gets those permission bits first (the input's, as a copy of it would: it may be private).
   */
  async commit(mode?: number): Promise<void> {
    await this.written;
    if (mode !== undefined) await this.handle.chmod(mode & 0o777);
    await this.handle.close();
    await fs.promises.rename(this.temporary, this.destination);
  }

  /** Waits for the writes in flight, then closes and removes the temporary file. */
  async discard(): Promise<void> {
    await this.written.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
    await fs.promises.rm(this.temporary, { force: true });
  }
}

async function writeFully(handle: fs.promises.FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Reads the PDF to seal in one pass: each piece, once read, is fed to `digest` (the seal's hash of
 * the original) while the next piece is read and the piece is written to `output`. The reads and
 * writes run on libuv's threads and the hashing on this one, so a large file is read, hashed and
 * copied in about the time of the slowest of the three, and each byte the seal hashes is the byte
 * written. A regular file that changes size or modification time while it is read is refused.
 */
export async function readInput(
  file: string,
  sinks: { digest: PrefixDigest; output?: OutputFile },
): Promise<{ bytes: Uint8Array; mode: number }> {
  const handle = await fs.promises.open(file, "r").catch((error: unknown) => {
    throw inputError(file, error);
  });
  try {
    const before = await handle.stat();
    if (!before.isFile() || before.size === 0) {
      // A pipe or device (<(…), /dev/stdin), or a file that does not tell its size: read to its end.
      const bytes = await handle.readFile();
      pass(bytes, 0, sinks);
      return { bytes, mode: before.mode };
    }
    const bytes = Buffer.allocUnsafe(before.size);
    const readAt = (offset: number) => handle.read(bytes, offset, Math.min(CHUNK_BYTES, bytes.length - offset), offset);
    let offset = 0;
    let reading: ReturnType<typeof readAt> | undefined = readAt(0);
    while (reading !== undefined) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) throw inputChanged(file);
      const chunk = bytes.subarray(offset, offset + bytesRead);
      offset += bytesRead;
      reading = offset < bytes.length ? readAt(offset) : undefined;
      pass(chunk, offset - bytesRead, sinks);
    }
    const after = await handle.stat();
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw inputChanged(file);
    return { bytes, mode: before.mode };
  } catch (error) {
    throw error instanceof SignetError ? error : inputError(file, error);
  } finally {
    await handle.close();
  }
}

function pass(chunk: Uint8Array, position: number, sinks: { digest: PrefixDigest; output?: OutputFile }): void {
  sinks.output?.write(chunk, position);
  sinks.digest.update(chunk);
}

function inputChanged(file: string): SignetError {
  return new SignetError(
    "cli.input_changed",
    `${file} changed while it was being read; nothing was written. Seal it again.`,
  );
}

function inputError(file: string, error: unknown): SignetError {
  return new SignetError(
    "cli.input",
    `cannot read the input PDF ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
  );
}
