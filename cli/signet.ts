// `npm run --silent signet -- <command> …`: the stable interface for operators and scripts.
import type { Command, CommandIo } from "./command";

const commands: Record<string, () => Promise<Command>> = {
  seal: () => import("./commands/seal").then((m) => m.sealCommand),
  keys: () => import("./commands/keys").then((m) => m.keysCommand),
  audit: () => import("./commands/audit").then((m) => m.auditCommand),
  verify: () => import("./commands/verify").then((m) => m.verifyCommand),
  org: () => import("./commands/org").then((m) => m.orgCommand),
};

const io: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function usage(): string {
  return `usage: signet <command> [options]\n\ncommands:\n${Object.keys(commands)
    .map((name) => `  ${name}`)
    .join("\n")}\n`;
}

const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : commands[name];
if (load === undefined) {
  io.stderr(name === undefined || name === "--help" || name === "-h" ? usage() : `signet: unknown command "${name}"\n${usage()}`);
  process.exitCode = name === undefined || name === "--help" || name === "-h" ? 0 : 2;
} else {
  const command = await load();
  process.exitCode = await command.run(args, io);
}
