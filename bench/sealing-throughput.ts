// Sealing throughput (issue 15 item 6), printed by `npm run bench` after the runtime footprint,
// or alone: `npx tsx bench/sealing-throughput.ts [--quick]`.
// - Documents sealed per second by the durable sealing jobs (requestSeal queues, the production
//   worker loop of lib/jobs/seal-worker.ts seals): one-page and ~10 MB PDFs, platform keys
//   RSA-4096 and P-256, one and two instances. The database is a scratch PostgreSQL database on
//   the server of BENCH_DATABASE_URL (or TEST_DATABASE_URL) when set, and each instance is then
//   its own process (bench/seal-worker-process.ts); otherwise an embedded PGlite in a temporary
//   directory, which only one process can open, so "two instances" are two worker loops in one
//   process (a stand-in, labelled so). Each run first seals a small warm-up batch (untimed), then
//   times from the request that queues the batch to its last document sealed.
// - The per-call cost of the key backends: median ms of one `sign` through the platform backend
//   (in process), the AWS KMS backend (the real @aws-sdk/client-kms over HTTP to the test KMS
//   endpoint of test/support, which signs in this same process) and the PKCS#11 backend on SoftHSM2.
// Nothing here asserts a threshold.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { FakeStepUp } from "@/test/support/fake-step-up";
import { registerTestKmsKey } from "@/test/support/kms-fixtures";
import { startTestKms } from "@/test/support/kms-server";
import { createScratchPostgresDatabase, dropScratchPostgresDatabase } from "@/test/support/postgres-scratch";
import { testSignRequest } from "@/test/support/softhsm-fixtures";
import { disposeSoftHsm, getSoftHsm, softHsmAvailability } from "@/test/support/softhsm-token";
import type { OrgContext } from "@/lib/access/org-context";
import { keyBackendFor } from "@/lib/custody/key-backends";
import { fromPGlite, openDatabase, type Db, type OpenDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { openPGlite, openSqlSession } from "@/lib/db/sql-session";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { uploadDocument } from "@/lib/documents/upload-document";
import type { KeyBackend } from "@/lib/engine/keys";
import { generatePkcs11Key, Pkcs11KeyBackend } from "@/lib/engine/keys/pkcs11";
import { LocalMasterKey } from "@/lib/engine/keys/platform";
import { startSealWorker, type RunningSealWorker } from "@/lib/jobs/seal-worker";
import { prepareSeal } from "@/lib/sealing/prepare-seal";
import { requestSeal } from "@/lib/sealing/seal-documents";
import { newWorkerName, type SealJobResult } from "@/lib/sealing/seal-jobs";
import { imagePdf } from "@/test/support/image-pdf";
import { createSealingOrganisation } from "@/test/support/sealing-organisation";

const root = path.resolve(import.meta.dirname, "..");
const request = { ip: "198.51.100.7", userAgent: "signet-bench" };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const pad = (s: string, n: number) => s.padEnd(n);

type Algorithm = "RSA-4096" | "EC-P256";
type Fixture = {
  db: Db;
  opened: OpenDatabase;
  postgresUrl: string | null;
  store: LocalDocumentStore;
  storeDir: string;
  masterBase64: string;
  master: LocalMasterKey;
  owner: OrgContext;
  keys: Record<Algorithm, { keyId: string; certificateId: string }>;
  cleanup(): Promise<void>;
};

/** A one-page PDF, or one with a page drawing an uncompressed random image of about `imageBytes`. */
const makePdf = (imageBytes: number): Promise<Uint8Array> =>
  imagePdf({ pages: 1, imageBytes, title: "Signet sealing throughput" });

async function setUp(work: string): Promise<Fixture> {
  const baseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
  let opened: OpenDatabase;
  let postgresUrl: string | null = null;
  if (baseUrl !== undefined) {
    postgresUrl = await createScratchPostgresDatabase(baseUrl, "signet_bench");
    const session = await openSqlSession({ kind: "postgres", url: postgresUrl });
    try {
      await migrate(session);
    } finally {
      await session.close();
    }
    opened = await openDatabase({ kind: "postgres", url: postgresUrl });
  } else {
    const dataDir = path.join(work, "pglite");
    const pglite = await openPGlite(dataDir);
    await migrate(await openSqlSession({ kind: "pglite", dataDir }, pglite));
    opened = fromPGlite(pglite, { kind: "pglite", dataDir });
  }
  const db = opened.db;
  const storeDir = path.join(work, "store");
  fs.mkdirSync(storeDir);
  const masterBase64 = randomBytes(32).toString("base64");
  const master = new LocalMasterKey(masterBase64);
  const { owner, keys: enrolled } = await createSealingOrganisation(db, master, {
    name: "Bench Works",
    owner: { email: "bench@bench.test", name: "Bench Owner" },
    algorithms: ["RSA-4096", "EC-P256"],
    request,
  });
  const keys = {} as Fixture["keys"];
  for (const algorithm of ["RSA-4096", "EC-P256"] as const) {
    const { keyId, certificateId } = enrolled[algorithm]!;
    keys[algorithm] = { keyId, certificateId };
  }
  return {
    db,
    opened,
    postgresUrl,
    store: new LocalDocumentStore(storeDir),
    storeDir,
    masterBase64,
    master,
    owner,
    keys,
    cleanup: async () => {
      await opened.close();
      if (baseUrl !== undefined && postgresUrl !== null) await dropScratchPostgresDatabase(baseUrl, postgresUrl);
    },
  };
}

/** Uploads `count` copies of `pdf` and passes the step-up (untimed); returns the call that queues them. */
async function prepareBatch(f: Fixture, certificateId: string, pdf: Uint8Array, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const outcome = await uploadDocument(
      f.db,
      f.store,
      f.owner,
      { fileName: `bench-${i}.pdf`, body: [Buffer.from(pdf)] },
      200 * 1024 * 1024,
      request,
    );
    if (!outcome.accepted) throw new Error(outcome.message);
    ids.push(outcome.document.id);
  }
  const sealRequest = {
    certificateId,
    reason: "Benchmark",
    location: "Ghent",
    documents: ids.map((documentId) => ({
      documentId,
      placement: { page: 1, rect: { x: 24, y: 24, width: 180, height: 72 } },
    })),
  };
  const stepUp = new FakeStepUp();
  const prepared = await prepareSeal(f.db, f.store, f.owner, sealRequest, stepUp, request);
  return () =>
    requestSeal(
      f.db,
      f.owner,
      { challengeId: prepared.challengeId, request: sealRequest, response: { kind: "totp", code: "123456" } },
      { stepUp, masterKey: f.master },
      request,
    );
}

/** Sealing instances: worker loops in this process, or worker processes on PostgreSQL. */
type Instances = { results: SealJobResult["status"][]; waitFor(n: number): Promise<void>; stop(): Promise<void> };

function resultsCounter() {
  const results: SealJobResult["status"][] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  return {
    results,
    push(status: SealJobResult["status"]) {
      results.push(status);
      if (waiter !== undefined && results.filter((s) => s === "SEALED" || s === "FAILED").length >= waiter.n) {
        waiter.resolve();
        waiter = undefined;
      }
    },
    waitFor(n: number) {
      return new Promise<void>((resolve) => {
        if (results.filter((s) => s === "SEALED" || s === "FAILED").length >= n) resolve();
        else waiter = { n, resolve };
      });
    },
  };
}

async function startInProcess(f: Fixture, count: number): Promise<Instances> {
  const counter = resultsCounter();
  const loops: RunningSealWorker[] = [];
  for (let i = 0; i < count; i++)
    loops.push(
      startSealWorker({
        db: async () => f.db,
        worker: async () => ({ store: f.store, masterKey: f.master, publicUrl: "https://signet.bench" }),
        owner: newWorkerName(`bench-loop${i}`),
        leaseMs: 60_000,
        pollMs: 50,
        stopTimeoutMs: 30_000,
        onResult: (r) => counter.push(r.status),
      }),
    );
  return {
    results: counter.results,
    waitFor: counter.waitFor,
    stop: async () => {
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}

async function startProcesses(f: Fixture, count: number): Promise<Instances> {
  const counter = resultsCounter();
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(
      path.join(root, "node_modules", ".bin", "tsx"),
      [path.join(root, "bench", "seal-worker-process.ts")],
      {
        cwd: root,
        env: {
          ...process.env,
          SIGNET_BENCH_DB_URL: f.postgresUrl!,
          SIGNET_BENCH_STORE: f.storeDir,
          SIGNET_BENCH_MASTER_KEY: f.masterBase64,
          SIGNET_LOG_LEVEL: "warn",
        },
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    children.push(child);
    ready.push(
      new Promise<void>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`a worker process exited with ${code}`)));
        readline.createInterface({ input: child.stdout! }).on("line", (line) => {
          if (line === "ready") resolve();
          const match = /^result (\w+)$/.exec(line);
          if (match) counter.push(match[1] as SealJobResult["status"]);
        });
      }),
    );
  }
  await Promise.all(ready);
  for (const child of children) child.stdin!.write("go\n");
  return {
    results: counter.results,
    waitFor: counter.waitFor,
    stop: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              child.removeAllListeners("exit");
              child.once("exit", () => resolve());
              child.stdin!.write("stop\n");
            }),
        ),
      );
    },
  };
}

type ThroughputRow = {
  size: string;
  algorithm: Algorithm;
  instances: number;
  documents: number;
  seconds: number;
  failed: number;
};

async function measureRun(
  f: Fixture,
  algorithm: Algorithm,
  size: { label: string; pdf: Uint8Array; count: number },
  instanceCount: number,
  warmUpPdf: Uint8Array,
): Promise<ThroughputRow> {
  const { certificateId } = f.keys[algorithm];
  const instances =
    f.postgresUrl !== null ? await startProcesses(f, instanceCount) : await startInProcess(f, instanceCount);
  try {
    // Warm-up (untimed): each instance seals a document or two of this key first.
    const warmUp = 2 * instanceCount;
    await (
      await prepareBatch(f, certificateId, warmUpPdf, warmUp)
    )();
    await instances.waitFor(warmUp);
    const queue = await prepareBatch(f, certificateId, size.pdf, size.count);
    const started = performance.now();
    await queue();
    await instances.waitFor(warmUp + size.count);
    const seconds = (performance.now() - started) / 1000;
    const failed = instances.results.slice(warmUp).filter((s) => s === "FAILED").length;
    return { size: size.label, algorithm, instances: instanceCount, documents: size.count, seconds, failed };
  } finally {
    await instances.stop();
  }
}

async function timeSigns(backend: KeyBackend, calls: number): Promise<number> {
  const request = testSignRequest("SHA-256");
  await backend.sign(request); // first call (connection, session, key unwrap) untimed
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await backend.sign(request);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

type BackendRow = { backend: string; algorithm: string; medianMs: number | null; note: string };

async function measureBackends(f: Fixture, calls: number): Promise<BackendRow[]> {
  const rows: BackendRow[] = [];
  for (const algorithm of ["RSA-4096", "EC-P256"] as const) {
    const backend = await keyBackendFor(f.db, f.owner.orgId, f.keys[algorithm].keyId, f.master);
    rows.push({ backend: "platform (in process)", algorithm, medianMs: await timeSigns(backend, calls), note: "" });
  }
  const kms = await startTestKms();
  try {
    for (const [spec, algorithm] of [
      ["RSA_4096", "RSA-4096"],
      ["ECC_NIST_P256", "EC-P256"],
    ] as const) {
      const { backend } = await registerTestKmsKey(kms, spec);
      rows.push({
        backend: "AWS KMS (test endpoint, HTTP)",
        algorithm,
        medianMs: await timeSigns(backend, calls),
        note: "the endpoint signs in this process",
      });
    }
  } finally {
    await kms.stop();
  }
  const softhsm = softHsmAvailability();
  if (!softhsm.available) {
    rows.push({ backend: "PKCS#11 (SoftHSM2)", algorithm: "-", medianMs: null, note: `skipped: ${softhsm.reason}` });
    return rows;
  }
  const hsm = getSoftHsm();
  const opened: Pkcs11KeyBackend[] = [];
  try {
    const token = await hsm.initToken("bench");
    const generated: [Algorithm, string][] = [];
    for (const [algorithm, spec] of [
      ["RSA-4096", { kind: "RSA", modulusBits: 4096 }],
      ["EC-P256", { kind: "EC", curve: "P-256" }],
    ] as const) {
      await generatePkcs11Key({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        label: algorithm,
        algorithm: spec,
      });
      generated.push([algorithm, algorithm]);
    }
    for (const [algorithm, keyLabel] of generated) {
      const backend = await Pkcs11KeyBackend.open({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        keyLabel,
      });
      opened.push(backend);
      rows.push({ backend: "PKCS#11 (SoftHSM2)", algorithm, medianMs: await timeSigns(backend, calls), note: "" });
    }
  } finally {
    for (const backend of opened) await backend.close();
    disposeSoftHsm();
  }
  return rows;
}

export async function measureSealingThroughput(options: { quick: boolean }): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "signet-throughput-"));
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(", ");
  console.log(`\nsealing throughput: setting up (load average at start: ${load()})…`);
  const f = await setUp(work);
  try {
    const onePage = await makePdf(0);
    const tenMb = await makePdf(10 * 1024 * 1024);
    const sizes = [
      { label: "1 page", pdf: onePage, count: options.quick ? 6 : 40 },
      { label: `~10 MB (${(tenMb.length / 2 ** 20).toFixed(1)} MB)`, pdf: tenMb, count: options.quick ? 2 : 8 },
    ];
    const twoLabel = f.postgresUrl !== null ? "2 processes" : "2 loops, 1 process (stand-in)";
    const where =
      f.postgresUrl !== null
        ? "PostgreSQL (scratch database); each instance is a worker process"
        : "embedded PGlite (one process only): '2 instances' are two worker loops in one process, a stand-in — two processes cannot open one PGlite; set BENCH_DATABASE_URL for the real figure";
    console.log(`database: ${where}`);
    const rows: ThroughputRow[] = [];
    for (const size of sizes)
      for (const algorithm of ["RSA-4096", "EC-P256"] as const)
        for (const instances of [1, 2]) {
          const row = await measureRun(f, algorithm, size, instances, onePage);
          rows.push(row);
          console.log(
            `  ${pad(size.label, 20)} ${pad(algorithm, 9)} ${instances === 1 ? "1 instance" : twoLabel}: ${(row.documents / row.seconds).toFixed(2)} docs/s (load ${load()})`,
          );
        }
    console.log(
      `\nsealing throughput (durable jobs, ${os.cpus().length} cores; documents sealed per second from the queuing request to the last seal)`,
    );
    console.log(
      `  ${pad("document", 20)} ${pad("key", 9)} ${pad("instances", 30)} ${"docs".padStart(5)} ${"s".padStart(7)} ${"docs/s".padStart(8)}  2 vs 1`,
    );
    for (const row of rows) {
      const one = rows.find((r) => r.size === row.size && r.algorithm === row.algorithm && r.instances === 1)!;
      const ratio = row.instances === 2 ? `${(one.seconds / row.seconds).toFixed(2)}×` : "";
      console.log(
        `  ${pad(row.size, 20)} ${pad(row.algorithm, 9)} ${pad(row.instances === 1 ? "1" : twoLabel, 30)} ${String(row.documents).padStart(5)} ${row.seconds.toFixed(2).padStart(7)} ${(row.documents / row.seconds).toFixed(2).padStart(8)}  ${ratio}${row.failed > 0 ? `  (${row.failed} FAILED)` : ""}`,
      );
    }
    const calls = options.quick ? 10 : 50;
    console.log(`\nkey backends: median ms per sign (SHA-256 digest), ${calls} calls each after one untimed call…`);
    const backendRows = await measureBackends(f, calls);
    for (const row of backendRows)
      console.log(
        `  ${pad(row.backend, 30)} ${pad(row.algorithm, 9)} ${row.medianMs === null ? "     -" : row.medianMs.toFixed(2).padStart(8)} ms${row.note ? `  ${row.note}` : ""}`,
      );
    console.log(`load average at the end: ${load()}`);
  } finally {
    await f.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.filename === path.resolve(process.argv[1] ?? ""))
  await measureSealingThroughput({ quick: process.argv.includes("--quick") });
