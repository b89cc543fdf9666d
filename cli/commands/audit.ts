import { parseArgs } from "node:util";
import { readSettings } from "@/lib/config/settings";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { listChains, verifyChain } from "@/lib/audit/verify-chain";
import { openDatabase } from "@/lib/db/client";
import { databaseTarget } from "@/lib/db/target";
import { isSignetError } from "@/lib/errors";
import type { Command, CommandIo } from "../command";

const USAGE = `usage: signet audit verify [--org ORG_ID] [--json]

Recomputes every hash of the audit chain(s) in the database (DATABASE_URL, or the embedded
database in SIGNET_DATA_DIR) and names the first entry that does not match. Exit 0 when every
chain verifies, 1 when one does not, 2 on errors.
`;

export const auditCommand: Command = {
  name: "audit",
  summary: "verify the hash-chained audit log",
  async run(args: string[], io: CommandIo): Promise<number> {
    const [sub, ...rest] = args;
    if (sub !== "verify") {
      io.stderr(sub === undefined || sub === "--help" ? USAGE : `signet audit: unknown subcommand "${sub}"\n${USAGE}`);
      return sub === "--help" ? 0 : 2;
    }
    let values: { org?: string; json?: boolean };
    try {
      values = parseArgs({ args: rest, options: { org: { type: "string" }, json: { type: "boolean" } } }).values;
    } catch (error) {
      io.stderr(`signet audit verify: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    try {
      const database = await openDatabase(databaseTarget(readSettings()));
      try {
        const chains = values.org === undefined ? await listChains(database.db) : [chainIdFor(values.org)];
        const results = [];
        for (const chainId of chains) results.push(await verifyChain(database.db, chainId));
        if (values.json) {
          io.stdout(`${JSON.stringify({ valid: results.every((r) => r.valid), chains: results }, null, 2)}\n`);
        } else {
          for (const r of results) {
            io.stdout(
              r.valid
                ? `ok      ${r.chainId}: ${r.entries} entries, head ${r.headHash}\n`
                : `BROKEN  ${r.chainId}: first mismatch at entry ${r.firstBreak?.seq}${r.firstBreak?.entryId ? ` (id ${r.firstBreak.entryId})` : ""}: ${r.firstBreak?.reason}\n`,
            );
          }
          if (results.length === 0) io.stdout("no audit chains in this database\n");
        }
        return results.every((r) => r.valid) ? 0 : 1;
      } finally {
        await database.close();
      }
    } catch (error) {
      io.stderr(`signet audit verify: ${isSignetError(error) ? error.message : `unexpected error: ${(error as Error).message}`}\n`);
      return 2;
    }
  },
};
