import fs from "node:fs";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { readSettings } from "@/lib/config/settings";
import { chainIdFor, PLATFORM_CHAIN } from "@/lib/audit/audit-actions";
import { AuditError } from "@/lib/audit/audit-errors";
import { spkiKeyId, AUDIT_KEY_ALGORITHM, type AuditPublicKey } from "@/lib/audit/audit-signing-key";
import { parseCheckpointDocument, verifyCheckpoint } from "@/lib/audit/checkpoint-verify";
import { createCheckpoint, signDueCheckpoints, type PublishedCheckpoint } from "@/lib/audit/checkpoints";
import { listChains, verifyChain } from "@/lib/audit/verify-chain";
import {
  jsonlEntriesOf,
  readAuditExport,
  verifyExportedEntries,
  type ExportVerification,
} from "@/lib/audit/verify-export";
import { resolveMasterKey } from "@/lib/custody/master-key-config";
import { openDatabase } from "@/lib/db/client";
import { databaseTarget } from "@/lib/db/target";
import { isSignetError } from "@/lib/engine/errors";
import { createPublicKey } from "node:crypto";
import { wantsHelp, type Command, type CommandIo } from "@/cli/command";

const USAGE = `usage: signet audit verify [--org ORG_ID] [--json]
       signet audit verify --file EXPORT.jsonl|EXPORT.csv [--partial] [--json]
       signet audit checkpoint create [--org ORG_ID | --platform] [--json]
       signet audit checkpoint verify (--file CHECKPOINT.json | --url URL) [--public-key KEY.pem] [--json]

The database is DATABASE_URL, or the embedded database in SIGNET_DATA_DIR.

verify: recomputes every hash of the audit chain(s) in the database and names the first entry
that does not match. With --file it checks an exported file instead, without the database:
every entry's hash recomputed, each linked to the one before it, from the chain's first entry
with none missing. The first bad entry is named by sequence number, line and id; the file's
head hash is printed, to compare with a signed checkpoint.
  --org ORG_ID              only this organisation's chain (default: every chain)
  --file EXPORT             an exported file (JSON Lines, or CSV when the name ends in .csv)
  --partial                 with --file: a filtered export, whose gaps in sequence are allowed
  --json                    the result as JSON

checkpoint create: signs the head of one chain, or of every chain whose head moved since its
last checkpoint, with the platform audit key (generated on first use, wrapped by the master
key). Prints the checkpoint(s).
  --org ORG_ID              this organisation's chain
  --platform                the platform chain
  --json                    the checkpoint(s) as JSON

checkpoint verify: checks a checkpoint someone kept: its signature (with the public key it
names, from the database or pinned), that the chain still has the entry at its sequence number
with exactly its hash, and that the chain verifies from genesis to its current head.
  --file CHECKPOINT.json    a checkpoint saved as JSON
  --url URL                 a checkpoint URL such as /api/v1/audit/checkpoints/ORG_ID (its latest is taken)
  --public-key KEY.pem      pin the audit public key instead of reading it from the database
  --json                    the checks as JSON

  -h, --help                this help

Exit codes: 0 everything verifies; 1 something does not; 2 usage or other errors.
`;

/** Every option of each subcommand; the help describes each (cli/signet.test.ts checks it). */
export const AUDIT_VERIFY_OPTIONS = {
  org: { type: "string" },
  json: { type: "boolean" },
  file: { type: "string" },
  partial: { type: "boolean" },
} as const;
export const CHECKPOINT_CREATE_OPTIONS = {
  org: { type: "string" },
  platform: { type: "boolean" },
  json: { type: "boolean" },
} as const;
export const CHECKPOINT_VERIFY_OPTIONS = {
  file: { type: "string" },
  url: { type: "string" },
  "public-key": { type: "string" },
  json: { type: "boolean" },
} as const;

type Io = CommandIo;

export const auditCommand: Command = {
  name: "audit",
  summary: "verify the hash-chained audit log; sign and check checkpoints",
  async run(args: string[], io: CommandIo): Promise<number> {
    if (wantsHelp(args)) {
      io.stdout(USAGE);
      return 0;
    }
    const [sub, ...rest] = args;
    if (sub === "verify") return verifyCommand(rest, io);
    if (sub === "checkpoint") {
      const [action, ...more] = rest;
      if (action === "create") return checkpointCreate(more, io);
      if (action === "verify") return checkpointVerify(more, io);
      io.stderr(
        `signet audit checkpoint: ${action === undefined ? "missing" : `unknown`} subcommand${action === undefined ? "" : ` "${action}"`}\n${USAGE}`,
      );
      return 2;
    }
    io.stderr(sub === undefined ? USAGE : `signet audit: unknown subcommand "${sub}"\n${USAGE}`);
    return 2;
  },
};

function parse<T extends Record<string, { type: "string" | "boolean" }>>(
  name: string,
  args: string[],
  options: T,
  io: Io,
): { [K in keyof T]?: T[K]["type"] extends "string" ? string : boolean } | null {
  try {
    return parseArgs({ args, options }).values as { [K in keyof T]?: T[K]["type"] extends "string" ? string : boolean };
  } catch (error) {
    io.stderr(`signet audit ${name}: ${(error as Error).message}\n${USAGE}`);
    return null;
  }
}

function failed(name: string, error: unknown, io: Io): number {
  io.stderr(
    `signet audit ${name}: ${isSignetError(error) ? error.message : `unexpected error: ${(error as Error).message}`}\n`,
  );
  return 2;
}

async function verifyCommand(args: string[], io: Io): Promise<number> {
  const values = parse("verify", args, AUDIT_VERIFY_OPTIONS, io);
  if (values === null) return 2;
  if (values.file !== undefined) {
    if (values.org !== undefined) {
      io.stderr(`signet audit verify: --org is for the database; a file holds one chain\n${USAGE}`);
      return 2;
    }
    return verifyFile(values.file, { partial: values.partial === true, json: values.json === true }, io);
  }
  if (values.partial) {
    io.stderr(`signet audit verify: --partial goes with --file\n${USAGE}`);
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
    return failed("verify", error, io);
  }
}

async function verifyFile(file: string, options: { partial: boolean; json: boolean }, io: Io): Promise<number> {
  const format = file.toLowerCase().endsWith(".csv") ? "csv" : "jsonl";
  let result: ExportVerification;
  try {
    // JSON Lines are read line by line, so the size of the export does not matter; CSV records may span lines.
    const lines =
      format === "csv"
        ? readAuditExport(fs.readFileSync(file, "utf8"), "csv")
        : jsonlEntriesOf(readline.createInterface({ input: await openStream(file), crlfDelay: Infinity }));
    result = await verifyExportedEntries(lines, { partial: options.partial });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(
      `signet audit verify: cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message}\n`,
    );
    return 2;
  }
  if (options.json) {
    io.stdout(`${JSON.stringify({ file, format, ...result }, null, 2)}\n`);
  } else if (result.valid) {
    const gaps = result.gaps === 0 ? "" : `, ${result.gaps} gap${result.gaps === 1 ? "" : "s"}`;
    io.stdout(
      `ok      ${result.chainId}: entries ${result.firstSeq}–${result.lastSeq} (${result.entries}${gaps}), head ${result.headHash}\n`,
    );
  } else {
    const where = [
      `${format === "csv" ? "record" : "line"} ${result.firstBreak?.line}`,
      ...(result.firstBreak?.entryId ? [`id ${result.firstBreak.entryId}`] : []),
    ].join(", ");
    const seq = result.firstBreak?.seq === null ? "" : ` at entry ${result.firstBreak?.seq}`;
    io.stdout(`BROKEN  ${file}: first mismatch${seq} (${where}): ${result.firstBreak?.reason}\n`);
  }
  return result.valid ? 0 : 1;
}

/** Opens the file first, so that a missing file is an error here rather than inside readline. */
async function openStream(file: string): Promise<fs.ReadStream> {
  const stream = fs.createReadStream(file, { encoding: "utf8" });
  await new Promise<void>((resolve, reject) => {
    stream.once("ready", () => resolve());
    stream.once("error", reject);
  });
  return stream;
}

async function checkpointCreate(args: string[], io: Io): Promise<number> {
  const values = parse("checkpoint create", args, CHECKPOINT_CREATE_OPTIONS, io);
  if (values === null) return 2;
  if (values.org !== undefined && values.platform) {
    io.stderr(`signet audit checkpoint create: give --org or --platform, not both\n${USAGE}`);
    return 2;
  }
  try {
    const settings = readSettings();
    const { masterKey } = await resolveMasterKey(settings);
    const database = await openDatabase(databaseTarget(settings));
    try {
      const single = values.org !== undefined || values.platform === true;
      let checkpoints: PublishedCheckpoint[];
      if (single) {
        const chainId = values.platform ? PLATFORM_CHAIN : chainIdFor(values.org!);
        if (
          values.org !== undefined &&
          (await database.db.organization
            .findUnique({ where: { id: values.org }, select: { id: true } })
            .catch(() => null)) === null
        ) {
          io.stderr(`signet audit checkpoint create: no organisation with id ${values.org}\n`);
          return 2;
        }
        checkpoints = [await createCheckpoint(database.db, masterKey, chainId, { actorId: null })];
      } else {
        checkpoints = await signDueCheckpoints(database.db, masterKey);
      }
      if (values.json) {
        io.stdout(`${JSON.stringify(single ? checkpoints[0] : { checkpoints }, null, 2)}\n`);
      } else {
        for (const c of checkpoints)
          io.stdout(`signed  ${c.chainId}: entry ${c.seq}, hash ${c.hash}, key ${c.keyId}\n`);
        if (checkpoints.length === 0) io.stdout("no chain moved since its last checkpoint\n");
      }
      return 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    return failed("checkpoint create", error, io);
  }
}

async function checkpointVerify(args: string[], io: Io): Promise<number> {
  const values = parse("checkpoint verify", args, CHECKPOINT_VERIFY_OPTIONS, io);
  if (values === null) return 2;
  if ((values.file === undefined) === (values.url === undefined)) {
    io.stderr(`signet audit checkpoint verify: give exactly one of --file or --url\n${USAGE}`);
    return 2;
  }
  let document: { statement: string; signature: string };
  let pinned: AuditPublicKey[] | undefined;
  try {
    const text = values.file !== undefined ? fs.readFileSync(values.file, "utf8") : await fetchText(values.url!);
    document = parseCheckpointDocument(JSON.parse(text) as unknown);
    if (values["public-key"] !== undefined) pinned = [publicKeyFromPem(fs.readFileSync(values["public-key"], "utf8"))];
  } catch (error) {
    if (error instanceof SyntaxError) {
      io.stderr("signet audit checkpoint verify: the checkpoint is not JSON\n");
      return 2;
    }
    return failed("checkpoint verify", error, io);
  }
  try {
    const database = await openDatabase(databaseTarget(readSettings()));
    try {
      const result = await verifyCheckpoint(database.db, document, { publicKeys: pinned });
      if (values.json) {
        io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        for (const check of result.checks)
          io.stdout(`${check.ok ? "ok    " : "FAILED"}  ${check.check}: ${check.detail}\n`);
        io.stdout(
          result.valid
            ? "The checkpoint holds: the audit log was not rewritten up to it.\n"
            : "The checkpoint does NOT hold.\n",
        );
      }
      return result.valid ? 0 : 1;
    } finally {
      await database.close();
    }
  } catch (error) {
    return failed("checkpoint verify", error, io);
  }
}

async function fetchText(url: string): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AuditError("audit.bad_checkpoint", `"${url}" is not a URL.`);
  }
  const response = await fetch(parsed, {
    headers: { Accept: "application/json" },
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new AuditError("audit.bad_checkpoint", `${parsed.href} answered HTTP ${response.status}.`);
  return response.text();
}

function publicKeyFromPem(pem: string): AuditPublicKey {
  const der = createPublicKey(pem).export({ type: "spki", format: "der" });
  return {
    id: spkiKeyId(der),
    algorithm: AUDIT_KEY_ALGORITHM,
    publicKeyDer: der,
    publicKeyPem: pem,
    createdAt: new Date(0),
    retiredAt: null,
  };
}
