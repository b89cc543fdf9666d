import { parseArgs } from "node:util";
import { readSettings } from "@/lib/config/settings";
import { openDatabase } from "@/lib/db/client";
import { databaseTarget } from "@/lib/db/target";
import { readDocumentSettings, s3StoreSettings } from "@/lib/documents/document-settings";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { migrateDocuments } from "@/lib/documents/migrate-documents";
import { S3DocumentStore } from "@/lib/documents/s3-document-store";
import { formatFileSize } from "@/lib/documents/file-size";
import { isSignetError } from "@/lib/engine/errors";
import { wantsHelp, type Command, type CommandIo } from "@/cli/command";

const USAGE = `usage: signet documents migrate --to s3://BUCKET/PREFIX [--endpoint URL] [--region REGION]
                                [--sse none|AES256|aws:kms] [--sse-kms-key-id KEY_ID]

Copies every stored file the database records (uploaded originals and sealed outputs) from the
local document directory (SIGNET_DOCUMENT_DIR, default $SIGNET_DATA_DIR/documents) to S3-compatible
object storage, under the same keys: no database row changes. Each copy is hashed on the way up and
read back, and must have the SHA-256 the database records; one that does not is removed and
reported. Files already there with the right SHA-256 are skipped, so running it again finishes an
interrupted migration. Local files are left in place. Afterwards set SIGNET_DOCUMENT_STORE (and the
SIGNET_S3_* settings) to the same target and restart Signet; stop uploads and sealing meanwhile, or
run it once more after the switch to pick up files written during the first run.

  --to s3://BUCKET/PREFIX   the target bucket and key prefix
  --endpoint URL            an S3-compatible endpoint (path-style; default SIGNET_S3_ENDPOINT, else AWS S3)
  --region REGION           the bucket's region (default SIGNET_S3_REGION, else AWS_REGION)
  --sse MODE                server-side encryption: none, AES256 or aws:kms (default SIGNET_S3_SSE, else none)
  --sse-kms-key-id KEY_ID   the KMS key for --sse aws:kms (default SIGNET_S3_SSE_KMS_KEY_ID)
  -h, --help                this help

Credentials come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a
profile, web identity, an instance role). Database: DATABASE_URL, or the embedded database in
SIGNET_DATA_DIR (stop Signet first when it runs on the embedded database).
Exit codes: 0 every file is in the target with its SHA-256; 1 some file failed (each is listed)
or the target refused; 2 the command line is wrong.
`;

/** Every option of `documents migrate`; the help describes each. */
export const MIGRATE_OPTIONS = {
  to: { type: "string" },
  endpoint: { type: "string" },
  region: { type: "string" },
  sse: { type: "string" },
  "sse-kms-key-id": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const env = (name: string): string | undefined => process.env[name] || undefined;

export const documentsCommand: Command = {
  name: "documents",
  summary: "document storage administration (migrate to S3-compatible object storage)",
  async run(args: string[], io: CommandIo): Promise<number> {
    if (wantsHelp(args)) {
      io.stdout(USAGE);
      return 0;
    }
    const [sub, ...rest] = args;
    if (sub !== "migrate") {
      io.stderr(sub === undefined ? USAGE : `signet documents: unknown subcommand "${sub}"\n${USAGE}`);
      return 2;
    }
    let values: { to?: string; endpoint?: string; region?: string; sse?: string; "sse-kms-key-id"?: string };
    try {
      values = parseArgs({ args: rest, options: MIGRATE_OPTIONS }).values;
    } catch (error) {
      io.stderr(`signet documents migrate: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    if (values.to === undefined) {
      io.stderr(`signet documents migrate: --to s3://BUCKET/PREFIX is required\n${USAGE}`);
      return 2;
    }
    let target: S3DocumentStore;
    try {
      target = new S3DocumentStore(
        s3StoreSettings(
          values.to,
          {
            endpoint: values.endpoint ?? env("SIGNET_S3_ENDPOINT"),
            region: values.region ?? env("SIGNET_S3_REGION") ?? env("AWS_REGION"),
            sse: values.sse ?? env("SIGNET_S3_SSE"),
            sseKmsKeyId: values["sse-kms-key-id"] ?? env("SIGNET_S3_SSE_KMS_KEY_ID"),
          },
          "--to",
        ),
      );
    } catch (error) {
      io.stderr(`signet documents migrate: ${(error as Error).message}\n`);
      return 2;
    }
    try {
      const source = new LocalDocumentStore(readDocumentSettings().documentDir);
      const database = await openDatabase(databaseTarget(readSettings()));
      try {
        const report = await migrateDocuments(database.db, source, target, ({ file, reason }) =>
          io.stderr(`signet documents migrate: ${file.kind} ${file.id} (key ${file.key}): ${reason}\n`),
        );
        io.stdout(
          `${report.files} recorded file(s) from ${source.dir} to ${target.describe()}: ${report.copied} copied (${formatFileSize(report.copiedBytes)}), ${report.alreadyThere} already there, ${report.failures.length} failed.\n`,
        );
        if (report.failures.length > 0) return 1;
        io.stdout(
          `Every file is in the target with its SHA-256. Set SIGNET_DOCUMENT_STORE=${values.to} and restart Signet.\n`,
        );
        return 0;
      } finally {
        await database.close();
      }
    } catch (error) {
      io.stderr(
        `signet documents migrate: ${isSignetError(error) ? error.message : `unexpected error: ${(error as Error).message}`}\n`,
      );
      return 1;
    }
  },
};
