// `npm test`: lint, types, formatting, the architecture check, unit + integration tests on PGlite (and on PostgreSQL when
// TEST_DATABASE_URL is set), then the browser suite in Chromium. Ends with one summary line.
// The slow group (*.slow.test.ts: the compression bombs) runs under CI, or with SIGNET_SLOW_TESTS=1;
// otherwise its tests count as skipped and a banner says so (`npm run test:slow` runs them alone).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { findChromium } from "@/e2e/chromium";
import { createScratchPostgresDatabase, dropScratchPostgresDatabase } from "@/test/support/postgres-scratch";

const root = path.resolve(import.meta.dirname, "..");
const results = path.join(root, "test-results");
fs.mkdirSync(results, { recursive: true });
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const ci = process.env.CI === "true" || process.env.CI === "1";
const pgUrl = process.env.TEST_DATABASE_URL || undefined;
const slow = ci || process.env.SIGNET_SLOW_TESTS === "1" || process.env.SIGNET_SLOW_TESTS === "true";

type Counts = { passed: number; failed: number; skipped: number };
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
const problems: string[] = [];
const timings: string[] = [];

async function run(
  label: string,
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { buffered?: boolean } = {},
): Promise<boolean> {
  if (!options.buffered) console.log(`\n━━ ${label} ━━`);
  const begun = Date.now();
  const child = spawn(command, args, {
    cwd: root,
    stdio: options.buffered ? ["ignore", "pipe", "pipe"] : "inherit",
    env: { ...process.env, ...env },
  });
  // Steps that run side by side print their output in one piece when they finish.
  const output: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
  const status = await new Promise<number | string>((resolve) =>
    child.on("close", (code, signal) => resolve(code ?? signal ?? "?")),
  );
  if (options.buffered) console.log(`\n━━ ${label} ━━\n${Buffer.concat(output).toString("utf8").trimEnd()}`);
  timings.push(`${label}: ${((Date.now() - begun) / 1000).toFixed(1)} s`);
  if (status !== 0) problems.push(`${label} failed (exit ${status})`);
  return status === 0;
}

async function step(label: string, command: string, args: string[]): Promise<void> {
  if (await run(label, command, args, {}, { buffered: true })) total.passed += 1;
  else total.failed += 1;
}

type VitestReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  testResults: { name: string; assertionResults: { status: string }[] }[];
};

/** Tests of the slow group reported skipped. */
let slowSkipped = 0;

async function vitest(
  label: string,
  reportName: string,
  extraArgs: string[],
  env: Record<string, string | undefined>,
): Promise<void> {
  const report = path.join(results, reportName);
  fs.rmSync(report, { force: true });
  const ok = await run(
    label,
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extraArgs],
    { NODE_ENV: "test", SIGNET_SLOW_TESTS: slow ? "1" : "", ...env },
  );
  if (!fs.existsSync(report)) {
    total.failed += 1;
    problems.push(`${label}: no report was written`);
    return;
  }
  const json = JSON.parse(fs.readFileSync(report, "utf8")) as VitestReport;
  total.passed += json.numPassedTests;
  // A file that failed to load fails no test; count it once so the summary cannot read "0 failed".
  total.failed += json.numFailedTests > 0 ? json.numFailedTests : ok ? 0 : Math.max(1, json.numFailedTestSuites);
  total.skipped += json.numPendingTests + json.numTodoTests;
  for (const file of json.testResults.filter((f) => f.name.endsWith(".slow.test.ts"))) {
    slowSkipped += file.assertionResults.filter((a) => a.status === "pending" || a.status === "skipped").length;
  }
}

function slowBanner(): void {
  if (slow || slowSkipped === 0) return;
  const lines = [
    `!!! SLOW GROUP SKIPPED: ${slowSkipped} tests of *.slow.test.ts (the 1 GiB compression bombs, sealed and checked with qpdf) !!!`,
    "!!! CI runs them. Run them alone with `npm run test:slow`, or all of npm test with CI=1 or SIGNET_SLOW_TESTS=1 !!!",
  ];
  const width = Math.max(...lines.map((line) => line.length));
  console.error(`\n${"!".repeat(width)}\n${lines.join("\n")}\n${"!".repeat(width)}`);
}

async function e2e(): Promise<void> {
  const chromium = findChromium();
  if (chromium === null) {
    const banner = "!!! E2E SKIPPED: no Chromium found (install Debian's chromium: apt-get install chromium) !!!";
    console.error(`\n${"!".repeat(banner.length)}\n${banner}\n${"!".repeat(banner.length)}`);
    if (ci) {
      problems.push("e2e: no Chromium under CI");
      total.failed += 1;
    } else {
      total.skipped += 1;
    }
    return;
  }
  // The browser suite runs the production app tree (scripts/build.mjs), copied out of the
  // checkout so that nothing can resolve from the checkout's node_modules: what ships is what is tested.
  const built = await run(
    "build (the app tree: Next's standalone output and the compiled server, CLI and workers)",
    process.execPath,
    ["scripts/build.mjs"],
  );
  if (!built) {
    total.failed += 1;
    return;
  }
  total.passed += 1;
  const appDir = fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "signet-app-"));
  fs.cpSync(path.join(root, ".next", "standalone"), appDir, {
    recursive: true,
    verbatimSymlinks: true,
    preserveTimestamps: true,
  });
  const databaseUrl = pgUrl === undefined ? undefined : await createScratchPostgresDatabase(pgUrl, "signet_e2e");
  const report = path.join(results, "e2e-report.json");
  fs.rmSync(report, { force: true });
  try {
    await run(
      `e2e in Chromium (${chromium}) on ${databaseUrl === undefined ? "PGlite" : "PostgreSQL"}`,
      bin("playwright"),
      ["test", "--config", "e2e/playwright.config.ts"],
      {
        ...(databaseUrl === undefined ? {} : { E2E_DATABASE_URL: databaseUrl }),
        E2E_DATA_DIR: fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "signet-e2e-")),
        E2E_APP_DIR: appDir,
        // The server and e2e 10 read it: /metrics answers this run's token.
        SIGNET_METRICS_TOKEN: randomBytes(24).toString("base64url"),
      },
    );
  } finally {
    fs.rmSync(appDir, { recursive: true, force: true });
    if (pgUrl !== undefined && databaseUrl !== undefined) await dropScratchPostgresDatabase(pgUrl, databaseUrl);
  }
  if (!fs.existsSync(report)) {
    total.failed += 1;
    problems.push("e2e: no report was written");
    return;
  }
  const json = JSON.parse(fs.readFileSync(report, "utf8")) as {
    stats: { expected: number; unexpected: number; skipped: number; flaky: number };
  };
  total.passed += json.stats.expected;
  total.failed += json.stats.unexpected + json.stats.flaky;
  total.skipped += json.stats.skipped;
}

const started = Date.now();
// The static checks are mostly single-threaded: they run side by side.
await Promise.all([
  step("ESLint", bin("eslint"), ["--max-warnings=0", "."]),
  step("TypeScript (strict)", bin("tsc"), ["--noEmit", "-p", "."]),
  step("Prettier (formatting)", bin("prettier"), ["--check", "--log-level", "warn", "."]),
  step("Architecture (layers, engine surface, client bundles, folder cycles)", bin("tsx"), [
    "scripts/architecture/check.ts",
  ]),
]);
await vitest("unit + integration on PGlite", "vitest-pglite.json", [], { TEST_DATABASE_URL: "" });
slowBanner();
if (pgUrl !== undefined) {
  await vitest("integration on PostgreSQL", "vitest-postgres.json", ["db.test"], { TEST_DATABASE_URL: pgUrl });
} else {
  console.log("\n(TEST_DATABASE_URL is not set: the integration tests ran on PGlite only.)");
}
await e2e();

console.log(`\n━━ summary ━━\n${timings.join("\n")}\ntotal: ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const problem of problems) console.log(`✗ ${problem}`);
slowBanner();
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || problems.length > 0 ? 1 : 0);
