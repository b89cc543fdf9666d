import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { corpusFiles } from "@/test/support/pdf-corpus";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { FakeStepUp } from "@/test/support/fake-step-up";
import { authorize, type OrgContext } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { verifyChain } from "@/lib/audit/verify-chain";
import { keyBackendFor } from "@/lib/custody/key-backends";
import type { SealJob } from "@/lib/db/generated/client";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import { KmsError } from "@/lib/engine/keys/aws-kms/kms-errors";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import { startSealWorker } from "@/lib/jobs/seal-worker";
import { sealProgress } from "@/lib/sealing/seal-progress";
import { cancelSealJobs, retryableDocuments, retryFailedDocument } from "@/lib/sealing/seal-job-admin";
import { createSealingOrganisation, queueSealBatch } from "@/test/support/sealing-organisation";
import {
  claimSealJobs,
  drainSealJobs,
  extendLease,
  failExhaustedJobs,
  failOrphanedSealing,
  runSealJob,
  type SealJobStep,
  type SealWorkerOptions,
} from "@/lib/sealing/seal-jobs";

const request = { ip: "198.51.100.7", userAgent: "vitest" };
const master = new LocalMasterKey(randomBytes(32).toString("base64"));
const dir = mkdtempSync(path.join(tmpdir(), "signet-seal-jobs-"));
const store = new LocalDocumentStore(dir);
const stepUp = new FakeStepUp();
const LEASE = 60_000;
const sealable = corpusFiles()
  .filter((f) => f.expected === "seal-ok")
  .map((f) => ({ f, size: readFileSync(f.path).length }))
  .sort((a, b) => a.size - b.size)
  .slice(0, 6)
  .map(({ f }) => f);

let t: TestDatabase;
let olivia: OrgContext;
let certificateId: string;
let rootPem: string;

/** Every stored object's key (the local store keeps `<dir>/<k0k1>/<key>`). */
function storedKeys(): Set<string> {
  const keys = new Set<string>();
  for (const sub of readdirSync(dir)) {
    if (sub.startsWith(".") || !statSync(path.join(dir, sub)).isDirectory()) continue;
    for (const key of readdirSync(path.join(dir, sub))) keys.add(key);
  }
  return keys;
}

async function queueBatch(count: number, maxAttempts = 3): Promise<{ batchId: string; ids: string[] }> {
  return queueSealBatch(t.db, store, olivia, {
    certificateId,
    files: sealable.slice(0, count).map((f) => ({ fileName: path.basename(f.path), bytes: readFileSync(f.path) })),
    placement: { page: 1, rect: { x: 24, y: 24, width: 180, height: 72 } },
    reason: "Checked",
    stepUp,
    master,
    request,
    maxAttempts,
  });
}

function worker(owner: string, extra: Partial<SealWorkerOptions> = {}): SealWorkerOptions {
  return {
    store,
    masterKey: master,
    publicUrl: "https://signet.test",
    owner,
    leaseMs: LEASE,
    heartbeatMs: 0,
    ...extra,
  };
}

/** A step that never returns until released: the worker is "dead" there (no heartbeat either). */
function crashAt(step: SealJobStep) {
  let release: () => void = () => undefined;
  let reached: () => void = () => undefined;
  const reachedPromise = new Promise<void>((r) => (reached = r));
  const gate = new Promise<void>((r) => (release = r));
  return {
    afterStep: async (at: SealJobStep) => {
      if (at !== step) return;
      reached();
      await gate;
    },
    reached: reachedPromise,
    release: () => release(),
  };
}

const later = (ms: number) => () => new Date(Date.now() + ms);

beforeAll(async () => {
  t = await createTestDatabase();
  const sealing = await createSealingOrganisation(t.db, master, {
    name: "Gamma Works",
    owner: { email: "olivia@gamma.test", name: "Olivia Owner" },
    algorithms: ["EC-P256"],
    request,
    label: "Seal",
  });
  olivia = sealing.owner;
  ({ certificateId, rootPem } = sealing.keys["EC-P256"]!);
}, 180_000);
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** One SEALED record, one seal.created entry, a sealed file that verifies, and no object left but the seal's. */
async function expectSealedOnce(documentId: string, keysBefore: Set<string>) {
  const document = await t.db.document.findUniqueOrThrow({ where: { id: documentId } });
  expect(document.status).toBe("SEALED");
  const seals = await t.db.seal.findMany({ where: { documentId } });
  expect(seals).toHaveLength(1);
  const created = await t.db.auditEntry.findMany({ where: { action: "seal.created", subjectId: documentId } });
  expect(created).toHaveLength(1);
  const report = await verifyPdf(await store.get(seals[0]!.storageKey), { trustAnchors: [rootPem] });
  expect(report.signatures.at(-1)!.verdict).toBe("valid");
  const added = [...storedKeys()].filter((k) => !keysBefore.has(k));
  expect(added).toEqual([seals[0]!.storageKey]);
  const job = await t.db.sealJob.findFirstOrThrow({ where: { documentId, status: "SEALED" } });
  expect(job).toMatchObject({ sealId: seals[0]!.id, pendingObjectKey: null, leaseOwner: null });
}

describe("sealing jobs", () => {
  it("the request queues one job per document, moves them to SEALING and audits the batch; nothing is sealed yet", async () => {
    const { batchId, ids } = await queueBatch(2);
    const jobs = await t.db.sealJob.findMany({ where: { batchId }, orderBy: { position: "asc" } });
    expect(jobs.map((j) => [j.documentId, j.status, j.attempts])).toEqual(ids.map((id) => [id, "QUEUED", 0]));
    expect(jobs[0]).toMatchObject({
      reason: "Checked",
      location: "Ghent",
      requestedById: olivia.userId,
      certificateId,
    });
    const documents = await t.db.document.findMany({ where: { id: { in: ids } } });
    expect(documents.every((d) => d.status === "SEALING")).toBe(true);
    expect(await t.db.seal.count({ where: { batchId } })).toBe(0);
    const requested = await t.db.auditEntry.findMany({ where: { action: "seal.requested", subjectId: batchId } });
    expect(requested).toHaveLength(1);
    expect(requested[0]!.data).toMatchObject({ documentIds: ids, stepUpMethod: "totp" });
    // A document queued once cannot be queued again by another job row.
    await expect(
      t.db.sealJob.create({ data: { ...jobs[0]!, id: undefined, placement: undefined, requestMeta: {} } }),
    ).rejects.toThrow();
    // The page follows the batch from the database.
    const challengeId = (await t.db.sealBatch.findUniqueOrThrow({ where: { id: batchId } })).challengeId;
    expect(await sealProgress(t.db, olivia, challengeId, ids)).toMatchObject({
      batchId,
      finished: false,
      documents: ids.map((id) => ({ id, status: "SEALING", job: "QUEUED", attempts: 0 })),
    });
    await drainSealJobs(t.db, worker("w-drain"), batchId);
    expect((await t.db.sealBatch.findUniqueOrThrow({ where: { id: batchId } })).finishedAt).not.toBeNull();
    expect(await sealProgress(t.db, olivia, challengeId, ids)).toMatchObject({
      batchId,
      finished: true,
      documents: ids.map((id) => ({ id, status: "SEALED", job: "SEALED", attempts: 1 })),
    });
  });

  it("claims with SKIP LOCKED: two workers claiming at once get different jobs, never the same one", async () => {
    const { batchId } = await queueBatch(4);
    const [a, b] = await Promise.all([
      claimSealJobs(t.db, { owner: "w-a", leaseMs: LEASE }, 2, batchId),
      claimSealJobs(t.db, { owner: "w-b", leaseMs: LEASE }, 2, batchId),
    ]);
    const claimed = [...a, ...b].map((j) => j.id);
    expect(claimed).toHaveLength(4);
    expect(new Set(claimed).size).toBe(4);
    expect(await claimSealJobs(t.db, { owner: "w-c", leaseMs: LEASE }, 4, batchId)).toEqual([]);
    for (const job of [...a, ...b]) await runSealJob(t.db, job, worker(job.leaseOwner!));
    expect(await t.db.sealJob.count({ where: { batchId, status: "SEALED" } })).toBe(4);
  });

  it.each(["signed", "written"] as const)(
    "a worker dead after the step %s is taken over once its lease expires: one seal, one audit entry, no orphan object",
    async (step) => {
      const { batchId, ids } = await queueBatch(1);
      const keysBefore = storedKeys();
      const crash = crashAt(step);
      const [job] = await claimSealJobs(t.db, { owner: "w-dead", leaseMs: LEASE }, 1, batchId);
      const dead = runSealJob(t.db, job!, worker("w-dead", { afterStep: crash.afterStep }));
      await crash.reached;
      if (step === "written")
        expect((await t.db.sealJob.findUniqueOrThrow({ where: { id: job!.id } })).pendingObjectKey).not.toBeNull();

      // Within the lease, nobody else may take it; the document is SEALING.
      expect(await claimSealJobs(t.db, { owner: "w-early", leaseMs: LEASE }, 1, batchId)).toEqual([]);
      // Past the lease, another worker takes it over (attempt 2) and seals it; it removes the predecessor's object first.
      const results = await drainSealJobs(t.db, worker("w-next", { now: later(LEASE + 1000) }), batchId);
      expect(results).toEqual([{ jobId: job!.id, status: "SEALED" }]);
      expect((await t.db.sealJob.findUniqueOrThrow({ where: { id: job!.id } })).attempts).toBe(2);

      // The dead worker wakes up: its lease is gone, so it records nothing and discards what it wrote.
      crash.release();
      expect(await dead).toEqual({ jobId: job!.id, status: "LOST" });
      await expectSealedOnce(ids[0]!, keysBefore);
    },
  );

  it("a crash after the commit leaves nothing to redo: the job row was updated in the commit's transaction", async () => {
    const { batchId, ids } = await queueBatch(1);
    const keysBefore = storedKeys();
    const crash = crashAt("committed");
    const [job] = await claimSealJobs(t.db, { owner: "w-c", leaseMs: LEASE }, 1, batchId);
    const run = runSealJob(t.db, job!, worker("w-c", { afterStep: crash.afterStep }));
    await crash.reached;
    expect(await drainSealJobs(t.db, worker("w-next", { now: later(LEASE + 1000) }), batchId)).toEqual([]);
    crash.release();
    expect(await run).toEqual({ jobId: job!.id, status: "SEALED" });
    await expectSealedOnce(ids[0]!, keysBefore);
  });

  it("no document stays SEALING past its job's lease: a job whose worker died on its last attempt fails with a reason", async () => {
    const { batchId, ids } = await queueBatch(1, 1);
    const crash = crashAt("signed");
    const [job] = await claimSealJobs(t.db, { owner: "w-dead", leaseMs: LEASE }, 1, batchId);
    void runSealJob(t.db, job!, worker("w-dead", { afterStep: crash.afterStep }));
    await crash.reached;
    expect(await failExhaustedJobs(t.db, store, new Date(Date.now() + LEASE - 5000))).toBe(0);
    expect((await t.db.document.findUniqueOrThrow({ where: { id: ids[0]! } })).status).toBe("SEALING");
    expect(await failExhaustedJobs(t.db, store, new Date(Date.now() + LEASE + 1000))).toBe(1);
    expect(await t.db.document.findUniqueOrThrow({ where: { id: ids[0]! } })).toMatchObject({
      status: "FAILED",
      failure: expect.stringContaining("interrupted"),
    });
    const failed = await t.db.auditEntry.findMany({ where: { action: "seal.failed", subjectId: ids[0]! } });
    expect(failed.map((e) => (e.data as { reason: string }).reason)).toEqual(["sealing.interrupted"]);
    crash.release();
    expect(await t.db.seal.count({ where: { documentId: ids[0]! } })).toBe(0);
    expect((await t.db.sealBatch.findUniqueOrThrow({ where: { id: batchId } })).finishedAt).not.toBeNull();
  });

  it("a heartbeat extends the lease, so a live worker is not taken over", async () => {
    const { batchId } = await queueBatch(1);
    const [job] = await claimSealJobs(t.db, { owner: "w-live", leaseMs: LEASE }, 1, batchId);
    expect(await extendLease(t.db, job!, worker("w-live", { now: later(LEASE - 1000) }))).toBe(true);
    // Past the first lease but within the extended one: still w-live's.
    expect(await claimSealJobs(t.db, { owner: "w-other", leaseMs: LEASE }, 1, batchId)).toEqual([]);
    expect(
      await claimSealJobs(t.db, { owner: "w-other", leaseMs: LEASE, now: later(LEASE + 1000) }, 1, batchId),
    ).toEqual([]);
    const taken = await claimSealJobs(t.db, { owner: "w-other", leaseMs: LEASE, now: later(2 * LEASE) }, 1, batchId);
    expect(taken.map((j) => j.leaseOwner)).toEqual(["w-other"]);
    // The first worker's lease is gone: it can no longer extend it.
    expect(await extendLease(t.db, job!, worker("w-live"))).toBe(false);
    await runSealJob(t.db, taken[0]!, worker("w-other"));
  });

  it("retries a transient key failure with exponential backoff, then seals", async () => {
    const { batchId, ids } = await queueBatch(1, 4);
    let calls = 0;
    const throttled = () =>
      new KmsError("kms.throttled", "AWS KMS throttled the request.", {
        region: "eu-west-1",
        keyId: "arn:aws:kms:eu-west-1:111122223333:key/x",
        operation: "Sign",
      });
    const backendFor: typeof keyBackendFor = async (...args) => {
      const real = await keyBackendFor(...args);
      return {
        description: real.description,
        keyAlgorithm: () => real.keyAlgorithm(),
        publicKey: () => real.publicKey(),
        sign: async (r) => {
          calls += 1;
          if (calls <= 2) throw throttled();
          return real.sign(r);
        },
      };
    };
    const start = Date.now();
    const at = (ms: number) => () => new Date(start + ms);
    const w = (ms: number) => worker("w-retry", { backendFor, backoffMs: 1000, now: at(ms) });
    expect(await drainSealJobs(t.db, w(0), batchId)).toEqual([{ jobId: expect.any(String), status: "QUEUED" }]);
    let row: SealJob = await t.db.sealJob.findFirstOrThrow({ where: { batchId } });
    expect(row).toMatchObject({ status: "QUEUED", attempts: 1, lastErrorCode: "kms.throttled" });
    expect(row.nextAttemptAt.getTime() - start).toBe(1000);
    expect(await drainSealJobs(t.db, w(999), batchId)).toEqual([]); // not due yet
    expect(await drainSealJobs(t.db, w(1000), batchId)).toEqual([{ jobId: row.id, status: "QUEUED" }]);
    row = await t.db.sealJob.findFirstOrThrow({ where: { batchId } });
    expect(row.nextAttemptAt.getTime() - start).toBe(1000 + 2000);
    expect(await drainSealJobs(t.db, w(3000), batchId)).toEqual([{ jobId: row.id, status: "SEALED" }]);
    expect((await t.db.document.findUniqueOrThrow({ where: { id: ids[0]! } })).status).toBe("SEALED");
    expect(await t.db.auditEntry.count({ where: { action: "seal.failed", subjectId: ids[0]! } })).toBe(0);
  });

  it("fails the document with the error's message once a transient failure used every attempt", async () => {
    const { batchId, ids } = await queueBatch(1, 2);
    const backendFor: typeof keyBackendFor = async (...args) => {
      const real = await keyBackendFor(...args);
      return {
        description: real.description,
        keyAlgorithm: () => real.keyAlgorithm(),
        publicKey: () => real.publicKey(),
        sign: async () => {
          throw new KmsError("kms.throttled", "AWS KMS throttled the request.", {
            region: "eu-west-1",
            keyId: "arn:aws:kms:eu-west-1:111122223333:key/x",
            operation: "Sign",
          });
        },
      };
    };
    const results = await drainSealJobs(t.db, worker("w-x", { backendFor, backoffMs: 0 }), batchId);
    expect(results.map((r) => r.status)).toEqual(["QUEUED", "FAILED"]);
    expect(await t.db.document.findUniqueOrThrow({ where: { id: ids[0]! } })).toMatchObject({
      status: "FAILED",
      failure: "AWS KMS throttled the request.",
    });
    expect(await t.db.sealJob.findFirstOrThrow({ where: { batchId } })).toMatchObject({
      status: "FAILED",
      attempts: 2,
      lastErrorCode: "kms.throttled",
    });
  });

  it("the worker loop of an instance seals queued batches, and on stop lets the document in flight finish", async () => {
    const { batchId, ids } = await queueBatch(2);
    const crash = crashAt("signed");
    const results: string[] = [];
    const loop = startSealWorker({
      db: async () => t.db,
      worker: async () => ({ store, masterKey: master, publicUrl: "https://signet.test", afterStep: crash.afterStep }),
      owner: "w-loop",
      leaseMs: LEASE,
      pollMs: 50,
      stopTimeoutMs: LEASE,
      onResult: (r) => results.push(r.status),
    });
    await crash.reached; // the first document is signed, not yet committed
    const stopped = loop.stop(); // SIGTERM: no new claim, the one in flight goes on
    crash.release();
    await stopped;
    expect(results).toEqual(["SEALED"]);
    const jobs = await t.db.sealJob.findMany({ where: { batchId }, orderBy: { position: "asc" } });
    expect(jobs.map((j) => j.status)).toEqual(["SEALED", "QUEUED"]);
    // Another instance's loop picks up the rest.
    const other = startSealWorker({
      db: async () => t.db,
      worker: async () => ({ store, masterKey: master, publicUrl: "https://signet.test" }),
      owner: "w-loop-2",
      leaseMs: LEASE,
      pollMs: 50,
      stopTimeoutMs: LEASE,
    });
    await vi.waitFor(
      async () => expect((await t.db.document.findUniqueOrThrow({ where: { id: ids[1]! } })).status).toBe("SEALED"),
      { timeout: 60_000, interval: 50 },
    );
    await other.stop();
    expect((await t.db.sealBatch.findUniqueOrThrow({ where: { id: batchId } })).finishedAt).not.toBeNull();
  });

  it("a job cancelled while its worker runs records nothing: the worker's commit finds the lease gone", async () => {
    const { batchId, ids } = await queueBatch(1);
    const keysBefore = storedKeys();
    const crash = crashAt("written");
    const [job] = await claimSealJobs(t.db, { owner: "w-c", leaseMs: LEASE }, 1, batchId);
    const run = runSealJob(t.db, job!, worker("w-c", { afterStep: crash.afterStep }));
    await crash.reached;
    const cancelled = await cancelSealJobs(t.db, { batchId }, { kind: "operator", user: "ops", host: "h" });
    expect(cancelled.map((j) => j.status)).toEqual(["CANCELLED"]);
    crash.release();
    expect(await run).toEqual({ jobId: job!.id, status: "LOST" });
    expect(await t.db.seal.count({ where: { documentId: ids[0]! } })).toBe(0);
    expect(await t.db.document.findUniqueOrThrow({ where: { id: ids[0]! } })).toMatchObject({
      status: "FAILED",
      failure: expect.stringContaining("cancelled"),
    });
    expect([...storedKeys()].filter((k) => !keysBefore.has(k))).toEqual([]);
  });

  it("the signer who asked for a failed seal can retry it (audited); others cannot", async () => {
    const { batchId, ids } = await queueBatch(1);
    await cancelSealJobs(t.db, { batchId }, { kind: "operator", user: "ops", host: "h" });
    expect((await retryableDocuments(t.db, olivia)).map((d) => d.documentId)).toContain(ids[0]);
    // Another signer of the organisation, and an auditor, are refused.
    const other = await t.db.user.create({ data: { email: "sid@gamma.test", name: "Sid Signer", passwordHash: "x" } });
    await t.db.membership.create({ data: { userId: other.id, orgId: olivia.orgId, roles: [Role.SIGNER] } });
    const sid = await authorize(t.db, other.id, olivia.orgId, "organisation.view");
    await expect(retryFailedDocument(t.db, sid, ids[0]!, request)).rejects.toThrow(/Only the person who asked/);
    expect(await retryableDocuments(t.db, sid)).toEqual([]);
    const auditor = { ...olivia, roles: [Role.AUDITOR] };
    await expect(retryFailedDocument(t.db, auditor, ids[0]!, request)).rejects.toThrow(/signer role/);

    const job = await retryFailedDocument(t.db, olivia, ids[0]!, request);
    expect(job).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect((await t.db.document.findUniqueOrThrow({ where: { id: ids[0]! } })).status).toBe("SEALING");
    const retried = await t.db.auditEntry.findMany({ where: { action: "seal_job.retried", subjectId: ids[0]! } });
    expect(retried.map((e) => e.actorId)).toEqual([olivia.userId]);
    await expect(retryFailedDocument(t.db, olivia, ids[0]!, request)).rejects.toThrow(/no failed seal/);
    await drainSealJobs(t.db, worker("w-retry"), batchId);
    expect((await t.db.document.findUniqueOrThrow({ where: { id: ids[0]! } })).status).toBe("SEALED");
  });

  it("treats a timeout as transient (queued again) and any other error as permanent (failed with its message)", async () => {
    const { batchId, ids } = await queueBatch(2, 3);
    let calls = 0;
    const backendFor: typeof keyBackendFor = async (...args) => {
      const real = await keyBackendFor(...args);
      return {
        description: real.description,
        keyAlgorithm: () => real.keyAlgorithm(),
        publicKey: () => real.publicKey(),
        sign: async () => {
          calls += 1;
          if (calls === 1) throw new DOMException("The operation timed out.", "TimeoutError");
          throw new KeyError("key.digest_mismatch", "The digest handed to the key does not match the message to sign.");
        },
      };
    };
    const results = await drainSealJobs(t.db, worker("w-t", { backendFor, backoffMs: 60_000 }), batchId);
    expect(results.map((r) => r.status)).toEqual(["QUEUED", "FAILED"]);
    const jobs = await t.db.sealJob.findMany({ where: { batchId }, orderBy: { position: "asc" } });
    expect(jobs.map((j) => [j.status, j.lastErrorCode])).toEqual([
      ["QUEUED", "internal"],
      ["FAILED", "key.digest_mismatch"],
    ]);
    expect(await t.db.document.findUniqueOrThrow({ where: { id: ids[1]! } })).toMatchObject({
      status: "FAILED",
      failure: "The digest handed to the key does not match the message to sign.",
    });
    // The timed-out one is still SEALING, due again after the backoff; cancel it to leave the queue clean.
    expect((await t.db.document.findUniqueOrThrow({ where: { id: ids[0]! } })).status).toBe("SEALING");
    await cancelSealJobs(t.db, { batchId }, { kind: "operator", user: "ops", host: "h" });
  });

  it("a document left SEALING by a batch without jobs (sealed inside a killed request, before jobs) is failed with a reason", async () => {
    const { batchId, ids } = await queueBatch(2);
    // As the in-request sealing left them after kill -9: SEALING, no job.
    await t.db.sealJob.deleteMany({ where: { documentId: ids[0]! } });
    expect(await failOrphanedSealing(t.db)).toBe(1);
    expect(await t.db.document.findUniqueOrThrow({ where: { id: ids[0]! } })).toMatchObject({
      status: "FAILED",
      failure: expect.stringContaining("interrupted"),
    });
    // The other one has its job: untouched, and it seals.
    expect((await t.db.document.findUniqueOrThrow({ where: { id: ids[1]! } })).status).toBe("SEALING");
    const failed = await t.db.auditEntry.findMany({ where: { action: "seal.failed", subjectId: ids[0]! } });
    expect(failed.map((e) => (e.data as { reason: string }).reason)).toEqual(["sealing.interrupted"]);
    expect(await failOrphanedSealing(t.db)).toBe(0);
    await drainSealJobs(t.db, worker("w-o"), batchId);
    expect((await t.db.document.findUniqueOrThrow({ where: { id: ids[1]! } })).status).toBe("SEALED");
  });

  it("keeps the audit chain intact", async () => {
    expect((await verifyChain(t.db, `org:${olivia.orgId}`)).valid).toBe(true);
  });
});
