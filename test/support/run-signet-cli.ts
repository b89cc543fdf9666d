import { execFile } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");

export type CliResult = { status: number | null; stdout: string; stderr: string };

/**
 * Runs `signet …` as a separate process, as an operator would, with `env` over this process's
 * environment. Asynchronous, so servers the test runs in this process (a TSA, a KMS) keep answering.
 */
export function runSignet(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", path.join(root, "cli", "signet.ts"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }),
    );
  });
}
