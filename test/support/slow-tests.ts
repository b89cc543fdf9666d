/**
 * The slow group: tests too slow for every local run (the 1 GiB compression bombs). `npm test` runs
 * them when CI is set (scripts/test.ts sets SIGNET_SLOW_TESTS=1) and otherwise reports them skipped,
 * with a banner; `npm run test:slow` runs them alone. They live in files named *.slow.test.ts.
 */
import { describe } from "vitest";

export const SLOW_TESTS_ENV = "SIGNET_SLOW_TESTS";
export const runSlowTests = process.env[SLOW_TESTS_ENV] === "1" || process.env[SLOW_TESTS_ENV] === "true";

/** A describe block of the slow group: run with SIGNET_SLOW_TESTS=1, otherwise reported as skipped. */
export const describeSlow = (name: string, body: () => void) =>
  describe.skipIf(!runSlowTests)(`${name} [slow group: npm run test:slow]`, body);
