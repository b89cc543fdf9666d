/** Where a command writes; tests pass buffers, the CLI passes the process's streams. */
export type CommandIo = { stdout: (text: string) => void; stderr: (text: string) => void };

/** A CLI command: parses its own arguments, returns the process exit code. */
export type Command = { name: string; summary: string; run(args: string[], io: CommandIo): Promise<number> };
