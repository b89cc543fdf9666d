import path from "node:path";
import { Worker } from "node:worker_threads";
import { SignetError } from "@/lib/engine/errors";

export type WorkerPoolOptions = {
  /**
   * The TypeScript module each worker runs (it answers jobs through lib/runtime/worker-jobs), as a
   * path from the project root, named *-worker.ts: scripts/build.mjs compiles every such file to
   * SIGNET_WORKER_DIR/<name>.mjs.
   */
  entry: string;
  /** Workers running at once (each takes one job at a time). */
  size: number;
  /** Jobs that may wait for a worker; one more is refused with WorkerPoolBusyError. */
  maxQueue: number;
  /** Wall time a job may take once a worker has it; then the worker is terminated. */
  deadlineMs: number;
  /** V8 old-generation heap of each worker; a job that needs more ends the worker. */
  maxHeapMb: number;
};

export type WorkerPoolStats = { running: number; waiting: number; workers: number };

export type WorkerFailureKind = "deadline" | "out_of_memory" | "crashed";

/** The pool is full: every worker is busy and the queue is at its limit. */
export class WorkerPoolBusyError extends SignetError {
  constructor() {
    super("worker.busy", "The server is busy with other files. Try again in a few seconds.", { status: 503 });
  }
}

/** A job's worker ran past the deadline, out of memory, or died; the worker was replaced. */
export class WorkerJobFailedError extends SignetError {
  readonly kind: WorkerFailureKind;
  constructor(kind: WorkerFailureKind, cause?: unknown) {
    super(
      `worker.${kind}`,
      kind === "crashed"
        ? "The work could not be finished because of an internal error."
        : "The work took more time or memory than is allowed.",
      {
        status: kind === "crashed" ? 500 : 422,
        cause,
      },
    );
    this.kind = kind;
  }

  /** The limit the job ran past, in the words of lib/pdf's limit errors; undefined for a crash. */
  get limit(): "wall time" | "memory" | undefined {
    return this.kind === "deadline" ? "wall time" : this.kind === "out_of_memory" ? "memory" : undefined;
  }
}

/** A SignetError thrown inside the worker, rebuilt on this side with its code, message and status. */
export class WorkerSignetError extends SignetError {}

/** What lib/runtime/worker-jobs posts back for each job. */
export type WorkerReply<Result> =
  | { id: number; ok: true; result: Result }
  | { id: number; ok: false; error: { code: string; message: string; status: number } | null };

type Pending<Job, Result> = {
  job: Job;
  deadlineMs: number;
  transfer: ArrayBuffer[];
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
};
type Slot<Job, Result> = {
  worker: Worker;
  current: (Pending<Job, Result> & { id: number; timer: NodeJS.Timeout }) | null;
};

/**
 * The script a worker thread starts on. The compiled server (scripts/server.ts, bundled by
 * scripts/build.mjs) names the folder of the compiled worker entries in SIGNET_WORKER_DIR, and
 * each worker runs plain JavaScript. Without it (development, tests) the worker runs the
 * TypeScript entry through tsx's API: node's --import flag does not reach worker threads on
 * Node 20. The files are loaded at run time: the bundler must neither trace nor bundle them.
 */
function workerScript(entry: string): { file: string; workerData?: { entry: string } } {
  const compiled = process.env.SIGNET_WORKER_DIR;
  if (compiled !== undefined && compiled !== "")
    return { file: path.join(/* turbopackIgnore: true */ compiled, `${path.basename(entry, ".ts")}.mjs`) };
  return {
    file: path.join(/* turbopackIgnore: true */ process.cwd(), "lib", "runtime", "ts-worker-boot.mjs"),
    workerData: { entry: path.resolve(/* turbopackIgnore: true */ process.cwd(), entry) },
  };
}

/**
 * Runs jobs in worker threads, so work on untrusted input (a hostile PDF) can neither block the
 * server's event loop nor take the process down: each job has a wall-time deadline and each
 * worker a heap limit, and a worker that runs past either is terminated and replaced. Workers
 * start on first use and do not keep the process alive while idle.
 */
export class WorkerPool<Job, Result> {
  private readonly slots: Slot<Job, Result>[] = [];
  private readonly queue: Pending<Job, Result>[] = [];
  private nextId = 1;

  constructor(private readonly options: WorkerPoolOptions) {}

  /**
   * Runs one job; `deadlineMs` overrides the pool's deadline for it. Buffers named in `transfer`
   * move to the worker instead of being copied, and are unusable here afterwards.
   */
  run(job: Job, options: { deadlineMs?: number; transfer?: ArrayBuffer[] } = {}): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const pending = {
        job,
        deadlineMs: options.deadlineMs ?? this.options.deadlineMs,
        transfer: options.transfer ?? [],
        resolve,
        reject,
      };
      const slot = this.idleSlot();
      if (slot !== undefined) return this.start(slot, pending);
      if (this.queue.length >= this.options.maxQueue) return reject(new WorkerPoolBusyError());
      this.queue.push(pending);
    });
  }

  /** What the pool holds now, read-only: jobs in a worker, jobs waiting for one, and workers started. */
  stats(): WorkerPoolStats {
    return {
      running: this.slots.filter((slot) => slot.current !== null).length,
      waiting: this.queue.length,
      workers: this.slots.length,
    };
  }

  /** Terminates every worker; jobs still running or waiting are rejected. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const pending of this.queue.splice(0))
      pending.reject(new WorkerJobFailedError("crashed", new Error("the pool was closed")));
    await Promise.all(
      slots.map(async (slot) => {
        const current = slot.current;
        slot.current = null;
        if (current !== null) {
          clearTimeout(current.timer);
          current.reject(new WorkerJobFailedError("crashed", new Error("the pool was closed")));
        }
        await slot.worker.terminate();
      }),
    );
  }

  private idleSlot(): Slot<Job, Result> | undefined {
    const idle = this.slots.find((slot) => slot.current === null);
    if (idle !== undefined) return idle;
    if (this.slots.length >= this.options.size) return undefined;
    const slot = this.spawn();
    this.slots.push(slot);
    return slot;
  }

  private spawn(): Slot<Job, Result> {
    const script = workerScript(this.options.entry);
    const worker = new Worker(/* turbopackIgnore: true */ script.file, {
      workerData: script.workerData,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const slot: Slot<Job, Result> = { worker, current: null };
    worker.on("message", (reply: WorkerReply<Result>) => this.settle(slot, reply));
    worker.on("error", (error: Error & { code?: string }) =>
      this.fail(
        slot,
        new WorkerJobFailedError(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "out_of_memory" : "crashed", error),
      ),
    );
    worker.on("exit", (exitCode) =>
      this.fail(slot, new WorkerJobFailedError("crashed", new Error(`the worker exited with code ${exitCode}`))),
    );
    return slot;
  }

  private start(slot: Slot<Job, Result>, pending: Pending<Job, Result>): void {
    const id = this.nextId++;
    const timer = setTimeout(() => this.fail(slot, new WorkerJobFailedError("deadline")), pending.deadlineMs);
    slot.current = { ...pending, id, timer };
    slot.worker.ref();
    slot.worker.postMessage({ id, job: pending.job }, pending.transfer);
  }

  private settle(slot: Slot<Job, Result>, reply: WorkerReply<Result>): void {
    const current = slot.current;
    if (current === null || current.id !== reply.id) return;
    clearTimeout(current.timer);
    slot.current = null;
    slot.worker.unref();
    if (reply.ok) current.resolve(reply.result);
    else if (reply.error === null) current.reject(new WorkerJobFailedError("crashed"));
    else current.reject(new WorkerSignetError(reply.error.code, reply.error.message, { status: reply.error.status }));
    this.next(slot);
  }

  /** The worker is no longer usable: its job fails, it is terminated, and the queue moves to a new one. */
  private fail(slot: Slot<Job, Result>, error: WorkerJobFailedError): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    const current = slot.current;
    slot.current = null;
    if (current !== null) {
      clearTimeout(current.timer);
      current.reject(error);
    }
    void slot.worker.terminate();
    const replacement = this.queue.length > 0 ? this.idleSlot() : undefined;
    if (replacement !== undefined) this.next(replacement);
  }

  private next(slot: Slot<Job, Result>): void {
    const pending = this.queue.shift();
    if (pending !== undefined) this.start(slot, pending);
  }
}

/**
 * What `run`'s `transfer` may take of some bytes the caller is done with: their buffer, when the
 * bytes are all of it (a view into a larger or shared buffer is copied instead, as usual).
 */
export function transferableBuffer(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}
