/**
 * Where a command writes and reads; tests pass buffers, the CLI passes the process's streams.
 * `writeStdout` and `readStdin` carry bytes for `-` (standard output / input as a file).
 */
export type CommandIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  writeStdout?: (bytes: Uint8Array) => Promise<void>;
  readStdin?: () => Promise<Uint8Array>;
};

/** A CLI command: parses its own arguments, returns the process exit code. */
export type Command = { name: string; summary: string; run(args: string[], io: CommandIo): Promise<number> };

/** `--help` or `-h` anywhere before a `--`: the command prints its help on stdout and exits 0. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}
