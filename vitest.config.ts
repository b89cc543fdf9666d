import { defineConfig } from "vitest/config";
import os from "node:os";
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const isSlow = (spec: TestSpecification) => spec.moduleId.endsWith(".slow.test.ts");

/**
 * The slow group (*.slow.test.ts, see test/support/slow-tests.ts: the compression bombs, over a minute
 * in one file when it runs) starts first, so that it overlaps the rest of the run instead of ending it.
 */
class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter(isSlow), ...sorted.filter((spec) => !isSlow(spec))];
  }
}

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "cli/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // vitest's default is one worker fewer than the cores: one on a two-core machine. The test files
    // wait on qpdf, pdfsig, openssl and PGlite much of the time; one worker per core keeps both busy.
    maxWorkers: Math.max(2, os.availableParallelism()),
    globalSetup: ["test/support/vitest-global-setup.ts"],
    sequence: { sequencer: SlowFirstSequencer },
  },
});
