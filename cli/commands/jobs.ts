import os from "node:os";
import { parseArgs } from "node:util";
import { readSettings } from "@/lib/config/settings";
import { openDatabase } from "@/lib/db/client";
import type { SealJob } from "@/lib/db/generated/client";
import type { SealJobStatus } from "@/lib/db/generated/enums";
import { databaseTarget } from "@/lib/db/target";
import { isSignetError } from "@/lib/engine/errors";
import { cancelSealJobs, listSealJobs, retrySealJobs, type JobSelector } from "@/lib/sealing/seal-job-admin";
import { wantsHelp, type Command, type CommandIo } from "@/cli/command";

const USAGE = `usage: signet jobs list [--status STATUS]
       signet jobs retry JOB_ID | --batch BATCH_ID
       signet jobs cancel JOB_ID | --batch BATCH_ID

Sealing jobs (one per document of a sealing batch), for the operator.

  list      the newest 200 jobs: id, batch, document, status, attempts, last error
  retry     puts failed or cancelled jobs back in the queue (fresh attempts); their documents
            go back to SEALING. A document sealed or queued again since is skipped.
  cancel    cancels queued or running jobs; their documents are marked FAILED ("cancelled")
            and can be sealed again. A worker still on a cancelled job records nothing.

  --status STATUS           queued, running, sealed, failed or cancelled (list)
  --batch BATCH_ID          every job of a batch (retry, cancel)
  -h, --help                this help

retry and cancel are recorded in each organisation's audit log (seal_job.retried,
seal_job.cancelled) with your user and host names.

Database: DATABASE_URL, or the embedded database in SIGNET_DATA_DIR.
Exit codes: 0 done; 1 nothing matched, or refused; 2 the command line is wrong.
`;

/** Every option of `jobs`; the help describes each. */
export const JOBS_OPTIONS = {
  status: { type: "string" },
  batch: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const STATUSES = ["queued", "running", "sealed", "failed", "cancelled"] as const;

function row(job: SealJob): string {
  const error = job.lastErrorMessage === null ? "" : `  ${job.lastErrorCode ?? ""}: ${job.lastErrorMessage}`;
  return `${job.id}  batch ${job.batchId}  document ${job.documentId}  ${job.status.toLowerCase()}  attempts ${job.attempts}/${job.maxAttempts}${error}\n`;
}

export const jobsCommand: Command = {
  name: "jobs",
  summary: "sealing jobs for the operator: list, retry, cancel",
  async run(args: string[], io: CommandIo): Promise<number> {
    if (wantsHelp(args)) {
      io.stdout(USAGE);
      return 0;
    }
    const [sub, ...rest] = args;
    if (sub !== "list" && sub !== "retry" && sub !== "cancel") {
      io.stderr(sub === undefined ? USAGE : `signet jobs: unknown subcommand "${sub}"\n${USAGE}`);
      return 2;
    }
    let values: { status?: string; batch?: string };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({ args: rest, options: JOBS_OPTIONS, allowPositionals: true }));
    } catch (error) {
      io.stderr(`signet jobs ${sub}: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    let status: SealJobStatus | undefined;
    let selector: JobSelector | undefined;
    if (sub === "list") {
      if (positionals.length > 0 || values.batch !== undefined) {
        io.stderr(`signet jobs list: only --status is accepted\n${USAGE}`);
        return 2;
      }
      if (values.status !== undefined) {
        const wanted = values.status.toLowerCase();
        if (!(STATUSES as readonly string[]).includes(wanted)) {
          io.stderr(`signet jobs list: --status must be one of ${STATUSES.join(", ")}\n`);
          return 2;
        }
        status = wanted.toUpperCase() as SealJobStatus;
      }
    } else {
      const [jobId] = positionals;
      if (
        values.status !== undefined ||
        (jobId === undefined) === (values.batch === undefined) ||
        positionals.length > 1
      ) {
        io.stderr(`signet jobs ${sub}: give one JOB_ID or --batch BATCH_ID\n${USAGE}`);
        return 2;
      }
      selector = jobId !== undefined ? { jobId } : { batchId: values.batch! };
    }
    try {
      const database = await openDatabase(databaseTarget(readSettings()));
      try {
        if (sub === "list") {
          const jobs = await listSealJobs(database.db, { status });
          if (jobs.length === 0) io.stdout("No sealing jobs.\n");
          for (const job of jobs) io.stdout(row(job));
          return 0;
        }
        const actor = { kind: "operator" as const, user: os.userInfo().username, host: os.hostname() };
        const done =
          sub === "retry"
            ? await retrySealJobs(database.db, selector!, actor)
            : await cancelSealJobs(database.db, selector!, actor);
        if (done.length === 0) {
          io.stderr(
            `signet jobs ${sub}: no job to ${sub} (${sub === "retry" ? "only failed or cancelled jobs, whose document was not sealed or queued again" : "only queued or running jobs"}).\n`,
          );
          return 1;
        }
        for (const job of done) io.stdout(row(job));
        io.stdout(`${sub === "retry" ? "Retried" : "Cancelled"} ${done.length} job${done.length === 1 ? "" : "s"}.\n`);
        return 0;
      } finally {
        await database.close();
      }
    } catch (error) {
      io.stderr(
        `signet jobs ${sub}: ${isSignetError(error) ? error.message : `unexpected error: ${(error as Error).message}`}\n`,
      );
      return 1;
    }
  },
};
