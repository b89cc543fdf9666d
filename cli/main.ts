// The `signet` dispatcher: the command line's arguments in, an exit code out, every byte through
// `io`. cli/signet.ts runs it on the process's streams; tests run it in-process on buffers.
import type { Command, CommandIo } from "@/cli/command";
import packageJson from "@/package.json" with { type: "json" };

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  seal: {
    summary: "seal a PDF with a PAdES signature (a key file, PKCS#12, AWS KMS or a PKCS#11 token)",
    load: () => import("@/cli/commands/seal").then((m) => m.sealCommand),
  },
  verify: {
    summary: "check the signatures of a PDF and explain the verdict",
    load: () => import("@/cli/commands/verify").then((m) => m.verifyCommand),
  },
  audit: {
    summary: "verify the hash-chained audit log or an exported file; sign and check checkpoints",
    load: () => import("@/cli/commands/audit").then((m) => m.auditCommand),
  },
  keys: {
    summary: "key custody administration: re-wrap the data keys under a new master key",
    load: () => import("@/cli/commands/keys").then((m) => m.keysCommand),
  },
  documents: {
    summary: "document storage administration: migrate the stored files to S3-compatible object storage",
    load: () => import("@/cli/commands/documents").then((m) => m.documentsCommand),
  },
  org: {
    summary: "organisation administration for the operator (approvals break-glass)",
    load: () => import("@/cli/commands/org").then((m) => m.orgCommand),
  },
  jobs: {
    summary: "sealing jobs for the operator: list, retry, cancel",
    load: () => import("@/cli/commands/jobs").then((m) => m.jobsCommand),
  },
};

const HELP = `usage: signet <command> [options]
       signet <command> --help
       signet --version

commands:
${Object.entries(commands)
  .map(([name, { summary }]) => `  ${name.padEnd(11)}${summary}`)
  .join("\n")}

From a checkout: npm run --silent signet -- <command> [options]. A file argument of "-" means
standard input (and, for seal --out, standard output).
`;

/** Runs `signet <argv…>`; returns the exit code. */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr(HELP);
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(HELP);
    return 0;
  }
  if (name === "--version" || name === "-V") {
    io.stdout(`signet ${packageJson.version}\n`);
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    io.stderr(`signet: unknown command "${name}"\n${HELP}`);
    return 2;
  }
  return (await command.load()).run(args, io);
}
