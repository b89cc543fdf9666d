/**
 * What the process must do before it exits, registered by whoever started it (background jobs,
 * the database) and run once by the HTTP server on SIGTERM/SIGINT. The registry lives on
 * globalThis: the server's own bundle and Next.js's server chunks are separate module instances
 * in one process, and both must reach the same list.
 */
type ShutdownStep = { name: string; run: () => Promise<void> | void };
type ShutdownRegistry = { steps: ShutdownStep[]; started: Promise<ShutdownReport> | null };
export type ShutdownReport = { name: string; ok: boolean; error?: string }[];

const KEY = Symbol.for("signet.shutdown");

function registry(): ShutdownRegistry {
  const g = globalThis as typeof globalThis & { [KEY]?: ShutdownRegistry };
  return (g[KEY] ??= { steps: [], started: null });
}

/** Runs `run` at shutdown; steps run in reverse order of registration (last opened, first closed). */
export function onShutdown(name: string, run: ShutdownStep["run"]): void {
  registry().steps.push({ name, run });
}

/** Runs every registered step once, each on its own: one failing step does not stop the others. */
export function runShutdown(): Promise<ShutdownReport> {
  const r = registry();
  r.started ??= (async () => {
    const report: ShutdownReport = [];
    for (const step of [...r.steps].reverse()) {
      try {
        await step.run();
        report.push({ name: step.name, ok: true });
      } catch (error) {
        report.push({ name: step.name, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return report;
  })();
  return r.started;
}

/** True once shutdown has begun. */
export function isShuttingDown(): boolean {
  return registry().started !== null;
}
