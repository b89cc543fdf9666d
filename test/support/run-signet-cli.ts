import { execFile, spawn } from "node:child_process";
import path from "node:path";
import type { CommandIo } from "@/cli/command";
import { runCli } from "@/cli/main";

const root = path.resolve(import.meta.dirname, "..", "..");
const entry = path.join(root, "cli", "signet.ts");

export type CliResult = { status: number | null; stdout: string; stderr: string };

/**
 * Runs `signet …` as a separate process, as an operator would, with `env` over this process's
 * environment. Asynchronous, so servers the test runs in this process (a TSA, a KMS) keep answering.
 */
export function runSignet(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", entry, ...args],
      { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }),
    );
  });
}

/** As runSignet, with bytes on standard input (closed at once when none are given) and standard output kept as bytes. */
export function runSignetBinary(
  args: string[],
  options: { input?: Uint8Array; env?: Record<string, string> } = {},
): Promise<{ status: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
      cwd: root,
      env: { ...process.env, ...options.env },
      timeout: 60_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status) =>
      resolve({ status, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString("utf8") }),
    );
    child.stdin.on("error", () => undefined); // a command that exits before reading everything closes the pipe
    child.stdin.end(options.input === undefined ? undefined : Buffer.from(options.input));
  });
}

/**
 * As runSignetBinary, in this process: the same dispatcher (cli/main.ts) and commands, on buffers
 * instead of the process's streams. `env` is set for the call and restored after it, so it suits
 * variables a command reads when it runs (--password-env); a command whose modules read the
 * environment once per process (DATABASE_URL, SIGNET_DATA_DIR, SOFTHSM2_CONF) needs runSignet.
 */
export async function runSignetInProcessBinary(
  args: string[],
  options: { input?: Uint8Array; env?: Record<string, string> } = {},
): Promise<{ status: number; stdout: Buffer; stderr: string }> {
  const stdout: Buffer[] = [];
  const stderr: string[] = [];
  const io: CommandIo = {
    stdout: (text) => void stdout.push(Buffer.from(text, "utf8")),
    stderr: (text) => void stderr.push(text),
    writeStdout: async (bytes) => void stdout.push(Buffer.from(bytes)),
    readStdin: async () => Buffer.from(options.input ?? new Uint8Array()),
  };
  const saved = Object.entries(options.env ?? {}).map(([name, value]) => {
    const before = process.env[name];
    process.env[name] = value;
    return [name, before] as const;
  });
  try {
    const status = await runCli(args, io);
    return { status, stdout: Buffer.concat(stdout), stderr: stderr.join("") };
  } finally {
    for (const [name, before] of saved) {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
  }
}

/** As runSignet, in this process (see runSignetInProcessBinary). */
export async function runSignetInProcess(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await runSignetInProcessBinary(args, { env });
  return { status: result.status, stdout: result.stdout.toString("utf8"), stderr: result.stderr };
}
