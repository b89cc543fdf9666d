import { defineConfig } from "vitest/config";
import os from "node:os";
import path from "node:path";

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
  },
});
