import { defineConfig } from "vitest/config";
import fs from "node:fs";
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

const TEST_ROOTS = ["lib", "cli", "scripts", "test"];
const include = TEST_ROOTS.map((dir) => `${dir}/**/*.test.ts`);

/**
 * Test files that change module state for the files after them: module mocks, environment
 * variables, globals, spies, and the PKCS#11 module (one native library per process). They run
 * isolated, each in a fresh module graph; every other file shares its worker's modules, which
 * saves loading the same few hundred modules again for each of ~150 files (about a third of the
 * PGlite pass on two cores). A new test that mocks a module lands here by itself.
 */
const CHANGES_MODULE_STATE =
  /\bvi\.(mock|doMock|unmock|stubEnv|stubGlobal|spyOn|resetModules)\b|process\.env(\.[A-Z_]+|\[[^\]]+\])\s*=[^=]|delete process\.env|Object\.assign\(process\.env|pkcs11|softhsm/i;

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    if (!entry.isFile() || !entry.name.endsWith(".test.ts")) return [];
    const file = path.relative(import.meta.dirname, path.join(entry.parentPath, entry.name));
    return file.includes("node_modules") ? [] : [file];
  });
}
const isolatedFiles = TEST_ROOTS.flatMap(testFiles).filter((file) =>
  CHANGES_MODULE_STATE.test(fs.readFileSync(path.join(import.meta.dirname, file), "utf8")),
);

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      { extends: true, test: { name: "shared", include, exclude: isolatedFiles, isolate: false } },
      { extends: true, test: { name: "isolated", include: isolatedFiles, isolate: true } },
    ],
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
