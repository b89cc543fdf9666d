import { availableParallelism } from "node:os";

/** One worker per core but one (the web server keeps a core), at least one and at most `cap`. */
export function defaultWorkerCount(cap: number): number {
  return Math.max(1, Math.min(cap, availableParallelism() - 1));
}
