import os from "node:os";
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { overrideApprovalsRequired } from "@/lib/approvals/operator-override";
import { readSettings } from "@/lib/config/settings";
import { openDatabase } from "@/lib/db/client";
import { databaseTarget } from "@/lib/db/target";
import { isSignetError } from "@/lib/engine/errors";
import { wantsHelp, type Command, type CommandIo } from "@/cli/command";

const USAGE = `usage: signet org approvals --org ORG_ID --set N --reason TEXT

Break-glass for the operator: sets an organisation's "approvals required" (1 turns dual control
off) without the approvals the web app would ask for, when the administrators who must approve
are gone. It is recorded in the organisation's audit log as org.policy_overridden, with your
reason and your user and host names. N cannot exceed the organisation's administrators.

  --org ORG_ID              the organisation's id
  --set N                   the new number of approvals required (1 = no dual control)
  --reason TEXT             why, for the audit log (required)
  -h, --help                this help

Database: DATABASE_URL, or the embedded database in SIGNET_DATA_DIR.
Exit codes: 0 changed; 1 refused (no such organisation, N too high); 2 the command line is wrong.
`;

/** Every option of `org approvals`; the help describes each (cli/signet.test.ts checks it). */
export const APPROVALS_OPTIONS = {
  org: { type: "string" },
  set: { type: "string" },
  reason: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const orgCommand: Command = {
  name: "org",
  summary: "organisation administration for the operator (approvals break-glass)",
  async run(args: string[], io: CommandIo): Promise<number> {
    if (wantsHelp(args)) {
      io.stdout(USAGE);
      return 0;
    }
    const [sub, ...rest] = args;
    if (sub !== "approvals") {
      io.stderr(sub === undefined ? USAGE : `signet org: unknown subcommand "${sub}"\n${USAGE}`);
      return 2;
    }
    let values: { org?: string; set?: string; reason?: string };
    try {
      values = parseArgs({ args: rest, options: APPROVALS_OPTIONS }).values;
    } catch (error) {
      io.stderr(`signet org approvals: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (values.org === undefined || values.set === undefined || values.reason === undefined) {
      io.stderr(`signet org approvals: --org, --set and --reason are all required\n${USAGE}`);
      return 2;
    }
    try {
      const database = await openDatabase(databaseTarget(readSettings()));
      try {
        const { before, after } = await overrideApprovalsRequired(database.db, {
          orgId: values.org,
          approvalsRequired: Number(values.set),
          reason: values.reason,
          operator: { user: os.userInfo().username, host: os.hostname() },
        });
        io.stdout(
          `Approvals required for organisation ${values.org}: ${before} → ${after}${after === 1 ? " (dual control off)" : ""}. Recorded in its audit log as org.policy_overridden.\n`,
        );
      } finally {
        await database.close();
      }
      return 0;
    } catch (error) {
      const message =
        error instanceof ZodError
          ? (error.issues[0]?.message ?? "invalid input")
          : isSignetError(error)
            ? error.message
            : `unexpected error: ${(error as Error).message}`;
      io.stderr(`signet org approvals: ${message}\n`);
      return 1;
    }
  },
};
