// Issue 15 item 5: two app instances (separate Node processes running the sealing worker as every
// server process does) on one PostgreSQL and one S3-compatible store seal 200 documents; one is
// killed with SIGKILL mid-way and restarted. Afterwards every document is sealed exactly once (or
// failed with a reason), every sealed file passes pdfsig and qpdf, the audit chains verify, and no
// object or row is orphaned. PostgreSQL only: the embedded PGlite cannot be shared by processes.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeStepUp } from "@/test/support/fake-step-up";
import { tinyPdf } from "@/test/support/pdf-samples";
import { qpdfCheck } from "@/test/support/pdf-tools";
import { createNssDb, pdfsig, type NssDb } from "@/test/support/pki-nss";
import { startTestS3, type TestS3Server } from "@/test/support/s3-server";
import { createTestDatabase, usingPostgres, type TestDatabase } from "@/test/support/test-database";
import type { OrgContext } from "@/lib/access/org-context";
import { chainIdFor } from "@/lib/audit/audit-actions";
import { verifyChain } from "@/lib/audit/verify-chain";
import { S3DocumentStore } from "@/lib/documents/s3-document-store";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { createSealingOrganisation, queueSealBatch } from "@/test/support/sealing-organisation";

const DOCUMENTS = 200;
const BATCH = 100;
const KILL_AFTER_SEALED = 60;
const LEASE_SECONDS = 5;
const BUCKET = "signet-two-instances";
const PREFIX = "docs/";
const request = { ip: "198.51.100.9", userAgent: "vitest two-instances" };
const masterKeyText = randomBytes(32).toString("base64");
const master = new LocalMasterKey(masterKeyText);
const stepUp = new FakeStepUp();
const script = path.resolve(import.meta.dirname, "../../test/support/seal-worker-process.ts");

let t: TestDatabase;
let s3: TestS3Server;
let store: S3DocumentStore;
let olivia: OrgContext;
let certificateId: string;
let rootPem: string;
let work: string;

type Instance = {
  startedAt: number;
  name: string;
  child: ChildProcess;
  /** Each finished job as the instance reported it, with when the test received the report. */
  results: { jobId: string; status: string; at: number }[];
  exited: Promise<void>;
};

function startInstance(name: string): Instance {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    DATABASE_URL: t.url!,
    SIGNET_DATA_DIR: path.join(work, name),
    SIGNET_PUBLIC_URL: "https://signet.test",
    SIGNET_DOCUMENT_STORE: `s3://${BUCKET}/${PREFIX}`,
    SIGNET_S3_ENDPOINT: s3.endpoint,
    SIGNET_S3_REGION: s3.region,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    SIGNET_MASTER_KEY: masterKeyText,
    AUTH_SECRET: "two-instances-test-auth-secret-0123456789",
    SIGNET_SEAL_LEASE_SECONDS: String(LEASE_SECONDS),
    SEAL_WORKER_POLL_MS: "250",
  };
  const child = spawn(process.execPath, ["--import", "tsx", script], { env, stdio: ["ignore", "pipe", "inherit"] });
  const instance: Instance = {
    name,
    startedAt: Date.now(),
    child,
    results: [],
    exited: new Promise((resolve) => child.on("exit", () => resolve())),
  };
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines)
      if (line.startsWith("seal-job "))
        instance.results.push({ ...JSON.parse(line.slice("seal-job ".length)), at: Date.now() });
  });
  return instance;
}

async function stopInstance(instance: Instance, signal: NodeJS.Signals): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill(signal);
  await instance.exited;
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

beforeAll(async () => {
  if (!usingPostgres) return;
  work = mkdtempSync(path.join(tmpdir(), "signet-two-instances-"));
  t = await createTestDatabase();
  s3 = await startTestS3();
  s3.createBucket(BUCKET);
  store = new S3DocumentStore({
    bucket: BUCKET,
    prefix: PREFIX,
    region: s3.region,
    endpoint: s3.endpoint,
    encryption: { type: "none" },
    credentials: s3.credentials,
  });
  const sealing = await createSealingOrganisation(t.db, master, {
    name: "Two Instances Ltd",
    owner: { email: "olivia@two-instances.test", name: "Olivia Owner" },
    algorithms: ["EC-P256"],
    request,
    label: "Seal",
  });
  olivia = sealing.owner;
  ({ certificateId, rootPem } = sealing.keys["EC-P256"]!);
}, 180_000);

afterAll(async () => {
  await s3?.stop();
  await t?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Uploads `count` distinct one-page PDFs through the upload service and queues them, as the seal action does. */
async function queueBatch(count: number): Promise<string[]> {
  const files = Array.from({ length: count }, () => {
    const id = randomBytes(16).toString("hex");
    return { fileName: `contract-${id.slice(0, 8)}.pdf`, bytes: tinyPdf(`/ID [<${id}> <${id}>]`) };
  });
  const { ids } = await queueSealBatch(t.db, store, olivia, {
    certificateId,
    files,
    placement: { page: 1, rect: { x: 10, y: 10, width: 150, height: 60 } },
    reason: "Approved",
    stepUp,
    master,
    request,
    maxAttempts: 3,
  });
  return ids;
}

describe.skipIf(!usingPostgres)("two instances on one PostgreSQL and one S3 store", () => {
  it("seal 200 documents with one instance killed (SIGKILL) mid-way and restarted: each sealed exactly once, valid, audited, nothing orphaned", async () => {
    const ids: string[] = [];
    for (let queued = 0; queued < DOCUMENTS; queued += BATCH) ids.push(...(await queueBatch(BATCH)));
    expect(await t.db.sealJob.count({ where: { status: "QUEUED" } })).toBe(DOCUMENTS);

    const started = Date.now();
    const a = startInstance("a");
    const b = startInstance("b");
    const instances = [a, b];
    let restarted: Instance | undefined;
    let stranded: string[] = [];
    try {
      const sealedCount = () => t.db.document.count({ where: { status: "SEALED" } });
      await waitFor(`${KILL_AFTER_SEALED} sealed`, async () => (await sealedCount()) >= KILL_AFTER_SEALED, 120_000);
      // Kill while the instance holds a job (it may still finish it between this look and the kill):
      // that job is then left RUNNING under its lease.
      await waitFor(
        "instance a holding a job",
        async () =>
          (await t.db.sealJob.count({
            where: { status: "RUNNING", leaseOwner: { startsWith: `pid${a.child.pid}-` } },
          })) > 0,
        120_000,
      );
      const killedAt = await sealedCount();
      await stopInstance(a, "SIGKILL");
      // A statement the dead process had already sent (its seal's COMMIT, say) still completes in
      // its PostgreSQL backend: let those land before reading what it left behind.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Jobs left RUNNING under the dead instance's lease: another instance must take them over.
      stranded = (
        await t.db.sealJob.findMany({
          where: { status: "RUNNING", leaseOwner: { startsWith: `pid${a.child.pid}-` } },
          select: { id: true },
        })
      ).map((j) => j.id);
      console.log(
        `SIGKILL instance a after ${killedAt} sealed; ${stranded.length} job(s) left RUNNING under its lease`,
      );
      expect(killedAt).toBeLessThan(DOCUMENTS);
      restarted = startInstance("a2");
      instances.push(restarted);
      await waitFor(
        "every job final",
        async () => (await t.db.sealJob.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } })) === 0,
        180_000,
      );
    } finally {
      await Promise.all(instances.map((i) => stopInstance(i, "SIGTERM")));
    }
    const seconds = (Date.now() - started) / 1000;
    for (const i of instances) {
      const sealed = i.results.filter((r) => r.status === "SEALED").length;
      const other = i.results.map((r) => r.status).filter((status) => status !== "SEALED");
      // From the process's start (tsx start-up included) to its last seal.
      const busy = (Math.max(i.startedAt, ...i.results.map((r) => r.at)) - i.startedAt) / 1000;
      console.log(
        `instance ${i.name}: ${sealed} sealed in ${busy.toFixed(1)} s (${(sealed / busy).toFixed(2)} documents/s); other results: ${other.join(", ") || "none"}`,
      );
    }
    console.log(
      `${DOCUMENTS} documents in ${seconds.toFixed(1)} s across both instances: ${(DOCUMENTS / seconds).toFixed(2)} documents/s`,
    );
    // Both the killed and the surviving instance sealed some.
    expect(a.results.filter((r) => r.status === "SEALED").length).toBeGreaterThan(0);
    expect(b.results.filter((r) => r.status === "SEALED").length).toBeGreaterThan(0);

    // Every document SEALED with exactly one Seal row, or FAILED with a reason.
    const documents = await t.db.document.findMany({ where: { id: { in: ids } }, include: { seals: true } });
    expect(documents).toHaveLength(DOCUMENTS);
    for (const d of documents) {
      if (d.status === "FAILED") expect(d.failure, d.id).toMatch(/\S/);
      else {
        expect(d.status, d.id).toBe("SEALED");
        expect(d.seals, d.id).toHaveLength(1);
      }
    }
    const sealedDocuments = documents.filter((d) => d.status === "SEALED");
    console.log(`${sealedDocuments.length} SEALED, ${DOCUMENTS - sealedDocuments.length} FAILED`);
    expect(sealedDocuments).toHaveLength(DOCUMENTS);
    expect(await t.db.seal.count()).toBe(DOCUMENTS);

    // One seal.created entry per document, and every audit chain verifies.
    const created = await t.db.auditEntry.groupBy({
      by: ["subjectId"],
      where: { action: "seal.created" },
      _count: true,
    });
    expect(created).toHaveLength(DOCUMENTS);
    expect(created.every((c) => c._count === 1)).toBe(true);
    const chains = await t.db.auditEntry.findMany({ distinct: ["chainId"], select: { chainId: true } });
    expect(chains.map((c) => c.chainId)).toContain(chainIdFor(olivia.orgId));
    for (const { chainId } of chains) expect(await verifyChain(t.db, chainId), chainId).toMatchObject({ valid: true });

    // Every job final and clean; every batch finished.
    const jobs = await t.db.sealJob.findMany();
    expect(jobs).toHaveLength(DOCUMENTS);
    for (const job of jobs)
      expect(job, job.id).toMatchObject({ status: "SEALED", pendingObjectKey: null, leaseOwner: null });
    expect(new Set(jobs.map((j) => j.sealId)).size).toBe(DOCUMENTS);
    // A job the killed instance held was finished by a later attempt, after its lease expired.
    for (const id of stranded) expect(jobs.find((j) => j.id === id)!.attempts, id).toBeGreaterThanOrEqual(2);
    expect(await t.db.sealBatch.count({ where: { finishedAt: null } })).toBe(0);

    // No orphans: the bucket holds exactly the originals and the seals the rows name, with their SHA-256.
    const objects = s3.objects(BUCKET);
    const named = new Map<string, string>();
    for (const d of documents) {
      named.set(`${PREFIX}${d.storageKey}`, d.sha256);
      for (const seal of d.seals) named.set(`${PREFIX}${seal.storageKey}`, seal.sealedSha256);
    }
    expect(named.size).toBe(2 * DOCUMENTS);
    expect([...objects.keys()].sort()).toEqual([...named.keys()].sort());
    for (const [key, digest] of named) expect(sha256(objects.get(key)!.body), key).toBe(digest);
    expect(s3.uploads.size).toBe(0);

    // Every sealed file passes pdfsig (valid signature, trusted certificate) and qpdf --check.
    const nss: NssDb = await createNssDb([{ name: "two-instances-root", pem: rootPem }], work);
    const files = sealedDocuments.map((d) => ({ id: d.id, key: `${PREFIX}${d.seals[0]!.storageKey}` }));
    let next = 0;
    const check = async () => {
      while (next < files.length) {
        const { id, key } = files[next++]!;
        const bytes = objects.get(key)!.body;
        const file = path.join(work, `${id}.pdf`);
        writeFileSync(file, bytes);
        const report = await pdfsig(nss, file);
        expect(report.output, id).toMatch(/Signature Validation: Signature is Valid\./);
        expect(report.output, id).toMatch(/Certificate Validation: Certificate is Trusted\./);
        expect(report.output, id).toMatch(/Total document signed/);
        expect(qpdfCheck(bytes), id).toEqual({ status: 0, problems: [] });
        rmSync(file);
      }
    };
    await Promise.all([check(), check()]);
  }, 300_000);
});
