import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChain } from "@/lib/audit/verify-chain";
import { openDatabase, type Db } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { openSqlSession } from "@/lib/db/sql-session";
import { JOBS_OPTIONS } from "@/cli/commands/jobs";
import { runSignetInProcess } from "@/test/support/run-signet-cli";

let dataDir: string;
let orgId: string;
let batchId: string;
/** Three documents of one batch: a failed job, a queued one and a sealed one. */
const jobs: Record<"failed" | "queued" | "sealed", { jobId: string; documentId: string }> = {} as never;
const target = () => ({ kind: "pglite" as const, dataDir: path.join(dataDir, "pglite") });
// In-process, as cli/commands/org.test.ts: the command opens and closes the database itself.
const signet = (args: string[]) => runSignetInProcess(args, { DATABASE_URL: "", SIGNET_DATA_DIR: dataDir });

async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase(target());
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-jobs-"));
  const session = await openSqlSession(target());
  await migrate(session);
  await session.close();
  await withDatabase(async (db) => {
    const org = await db.organization.create({ data: { name: "Queue Ltd" } });
    orgId = org.id;
    const user = await db.user.create({
      data: { email: "signer@example.test", name: "Sam Signer", passwordHash: "x" },
    });
    const batch = await db.sealBatch.create({
      data: {
        orgId,
        sealedById: user.id,
        certificateId: "00000000-0000-4000-8000-000000000001",
        challengeId: "00000000-0000-4000-8000-000000000002",
        stepUpMethod: "totp",
      },
    });
    batchId = batch.id;
    const states = [
      ["failed", "FAILED", "FAILED"],
      ["queued", "QUEUED", "SEALING"],
      ["sealed", "SEALED", "SEALED"],
    ] as const;
    for (const [position, [name, jobStatus, documentStatus]] of states.entries()) {
      const document = await db.document.create({
        data: {
          orgId,
          uploadedById: user.id,
          fileName: `${name}.pdf`,
          size: 1,
          sha256: "0".repeat(64),
          storageKey: "0".repeat(32),
          status: documentStatus,
          failure: name === "failed" ? "AWS KMS denied Signet access to the key." : null,
        },
      });
      const job = await db.sealJob.create({
        data: {
          batchId,
          documentId: document.id,
          orgId,
          requestedById: user.id,
          certificateId: batch.certificateId,
          position,
          requestMeta: {},
          maxAttempts: 3,
          status: jobStatus,
          attempts: name === "queued" ? 0 : 1,
          lastErrorCode: name === "failed" ? "kms.access_denied" : null,
          lastErrorMessage: name === "failed" ? "AWS KMS denied Signet access to the key." : null,
        },
      });
      jobs[name] = { jobId: job.id, documentId: document.id };
    }
  });
}, 120_000);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("signet jobs", () => {
  it("lists jobs, all or by status, with their last error", async () => {
    const all = await signet(["jobs", "list"]);
    expect(all.status).toBe(0);
    expect(all.stdout.trim().split("\n")).toHaveLength(3);
    const failed = await signet(["jobs", "list", "--status", "failed"]);
    expect(failed.status).toBe(0);
    expect(failed.stdout).toContain(jobs.failed.jobId);
    expect(failed.stdout).toContain("kms.access_denied: AWS KMS denied Signet access to the key.");
    expect(failed.stdout).not.toContain(jobs.queued.jobId);
    expect((await signet(["jobs", "list", "--status", "stuck"])).status).toBe(2);
  });

  it("retries a failed job: queued again with fresh attempts, its document SEALING, audited with the operator", async () => {
    const result = await signet(["jobs", "retry", jobs.failed.jobId]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Retried 1 job.");
    await withDatabase(async (db) => {
      expect(await db.sealJob.findUniqueOrThrow({ where: { id: jobs.failed.jobId } })).toMatchObject({
        status: "QUEUED",
        attempts: 0,
      });
      expect(await db.document.findUniqueOrThrow({ where: { id: jobs.failed.documentId } })).toMatchObject({
        status: "SEALING",
        failure: null,
      });
      const entries = await db.auditEntry.findMany({ where: { orgId, action: "seal_job.retried" } });
      expect(entries.map((e) => e.subjectId)).toEqual([jobs.failed.documentId]);
      expect(entries[0]!.data).toMatchObject({
        jobId: jobs.failed.jobId,
        previousStatus: "FAILED",
        operator: { user: os.userInfo().username, host: os.hostname() },
      });
    });
    // Nothing left to retry: a sealed job is never retried.
    expect((await signet(["jobs", "retry", jobs.sealed.jobId])).status).toBe(1);
  });

  it("cancels a batch's queued jobs: documents FAILED and sealable again, sealed ones untouched, audited", async () => {
    const result = await signet(["jobs", "cancel", "--batch", batchId]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Cancelled 2 jobs.");
    await withDatabase(async (db) => {
      const rows = await db.sealJob.findMany({ where: { batchId }, orderBy: { position: "asc" } });
      expect(rows.map((r) => r.status)).toEqual(["CANCELLED", "CANCELLED", "SEALED"]);
      const documents = await db.document.findMany({
        where: { id: { in: [jobs.failed.documentId, jobs.queued.documentId, jobs.sealed.documentId] } },
      });
      const byId = new Map(documents.map((d) => [d.id, d.status]));
      expect([
        byId.get(jobs.failed.documentId),
        byId.get(jobs.queued.documentId),
        byId.get(jobs.sealed.documentId),
      ]).toEqual(["FAILED", "FAILED", "SEALED"]);
      expect(await db.auditEntry.count({ where: { orgId, action: "seal_job.cancelled" } })).toBe(2);
      expect((await db.sealBatch.findUniqueOrThrow({ where: { id: batchId } })).finishedAt).not.toBeNull();
      expect((await verifyChain(db, `org:${orgId}`)).valid).toBe(true);
    });
    // A cancelled job can be retried.
    expect((await signet(["jobs", "retry", "--batch", batchId])).stdout).toContain("Retried 2 jobs.");
  });

  it("refuses a wrong command line with exit code 2, and documents every option", async () => {
    expect((await signet(["jobs", "retry"])).status).toBe(2);
    expect((await signet(["jobs", "cancel", jobs.queued.jobId, "--batch", batchId])).status).toBe(2);
    expect((await signet(["jobs", "purge"])).status).toBe(2);
    const help = await signet(["jobs", "--help"]);
    expect(help.status).toBe(0);
    for (const option of Object.keys(JOBS_OPTIONS)) expect(help.stdout).toContain(`--${option}`);
    expect((await signet(["--help"])).stdout).toMatch(/\n {2}jobs +sealing jobs/);
  });
});
