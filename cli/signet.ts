// `npm run --silent signet -- <command> …`: the stable interface for operators and scripts.
import fs from "node:fs";
import path from "node:path";
import type { Command, CommandIo } from "./command";

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  seal: { summary: "seal a PDF with a PAdES signature (a key file, PKCS#12, AWS KMS or a PKCS#11 token)", load: () => import("./commands/seal").then((m) => m.sealCommand) },
  verify: { summary: "check the signatures of a PDF and explain the verdict", load: () => import("./commands/verify").then((m) => m.verifyCommand) },
  audit: { summary: "verify the hash-chained audit log or an exported file; sign and check checkpoints", load: () => import("./commands/audit").then((m) => m.auditCommand) },
  keys: { summary: "key custody administration: re-wrap the data keys under a new master key", load: () => import("./commands/keys").then((m) => m.keysCommand) },
  org: { summary: "organisation administration for the operator (approvals break-glass)", load: () => import("./commands/org").then((m) => m.orgCommand) },
};

const HELP = `usage: signet <command> [options]
       signet <command> --help
       signet --version

commands:
${Object.entries(commands)
  .map(([name, { summary }]) => `  ${name.padEnd(8)}${summary}`)
  .join("\n")}

From a checkout: npm run --silent signet -- <command> [options]. A file argument of "-" means
standard input (and, for seal --out, standard output).
`;

function version(): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string };
  return version;
}

const io: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  writeStdout: (bytes) =>
    new Promise((resolve, reject) => {
      process.stdout.write(bytes, (error) => (error ? reject(error) : resolve()));
    }),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  },
};

const [name, ...args] = process.argv.slice(2);
if (name === undefined) {
  io.stderr(HELP);
  process.exitCode = 2;
} else if (name === "--help" || name === "-h" || name === "help") {
  io.stdout(HELP);
} else if (name === "--version" || name === "-V") {
  io.stdout(`signet ${version()}\n`);
} else if (commands[name] === undefined) {
  io.stderr(`signet: unknown command "${name}"\n${HELP}`);
  process.exitCode = 2;
} else {
  const command = await commands[name].load();
  process.exitCode = await command.run(args, io);
}
