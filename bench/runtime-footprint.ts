// The production runtime's footprint, measured on the compiled app tree (scripts/build.mjs):
// - start-up: from running start.sh to the first 200, on a new data directory (the embedded
//   database is created) and again on the same one;
// - memory: RSS summed over every process of one idle instance, after a warm-up that visits the
//   main pages and verifies a PDF (so a verification worker exists);
// - a verification worker's own memory: RSS added by one worker thread, loaded and idle, and idle
//   again after one verification.
// Run by `npm run bench` after its sealing figures, or alone: `npx tsx bench/runtime-footprint.ts`.
// With BENCH_DATABASE_URL (a PostgreSQL database it may fill), the instance is also measured on PostgreSQL.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { APP_INPUTS, stampIsCurrent } from "@/scripts/source-stamp.mjs";

const root = path.resolve(import.meta.dirname, "..");
const appDir = path.join(root, ".next", "standalone");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "signet-footprint-"));
const mb = (bytes: number) => bytes / 1024 / 1024;

function ensureBuilt(): void {
  if (stampIsCurrent(path.join(appDir, "signet-source-stamp"), root, APP_INPUTS)) return;
  console.log("building the app tree (node scripts/build.mjs)…");
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { stdio: "ignore" });
  if (result.status !== 0) throw new Error("the build failed: run node scripts/build.mjs to see why");
}

/** RSS in bytes of `pid` and all its descendants. */
function treeRss(pid: number): { bytes: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let bytes = 0;
  let processes = 0;
  const visit = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      bytes += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      processes += 1;
    } catch {
      return;
    }
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return { bytes, processes };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function onePagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText("Signet footprint", { x: 50, y: 800, size: 14, font });
  return doc.save();
}

type Instance = { child: ChildProcess; port: number; startMs: number };

async function startInstance(dataDir: string, env: Record<string, string>): Promise<Instance> {
  const port = 3400 + Math.floor(Math.random() * 500);
  const started = performance.now();
  const child = spawn(path.join(appDir, "start.sh"), [], {
    cwd: work,
    env: { ...process.env, PORT: String(port), SIGNET_DATA_DIR: dataDir, SIGNET_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const status = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return { child, port, startMs: performance.now() - started };
    if (performance.now() - started > 180_000) throw new Error("the server did not answer within 180 s");
    await sleep(100);
  }
}

async function stopInstance(instance: Instance): Promise<void> {
  instance.child.kill("SIGTERM");
  await new Promise((resolve) => instance.child.once("exit", resolve));
}

/** Visits the main pages and verifies a PDF, then waits for the instance to settle. */
async function warmUpThenIdle(
  instance: Instance,
  pdf: Uint8Array,
): Promise<{ rssMb: number; processes: number; firstVerifyMs: number }> {
  const base = `http://127.0.0.1:${instance.port}`;
  for (const page of ["/sign-in", "/setup", "/verify", "/api/health"]) await fetch(base + page).then((r) => r.text());
  const verifyStarted = performance.now();
  const verified = await fetch(`${base}/api/v1/verify`, {
    method: "POST",
    headers: { "Content-Type": "application/pdf" },
    body: new Uint8Array(pdf),
  });
  await verified.text();
  if (verified.status !== 200) throw new Error(`POST /api/v1/verify answered ${verified.status}`);
  const firstVerifyMs = performance.now() - verifyStarted;
  await sleep(10_000);
  const samples = [];
  for (let i = 0; i < 5; i++) {
    samples.push(treeRss(instance.child.pid!));
    await sleep(1000);
  }
  return { rssMb: mb(median(samples.map((s) => s.bytes))), processes: samples[0]!.processes, firstVerifyMs };
}

/** A verification worker's own RSS, in a plain Node process that starts one worker thread. */
function workerFootprint(pdfFile: string): { loadedMb: number; afterJobMb: number } {
  const probe = path.join(work, "worker-probe.mjs");
  fs.writeFileSync(
    probe,
    `import fs from "node:fs";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rss = () => { globalThis.gc(); return process.memoryUsage.rss(); };
await sleep(300);
const base = rss();
const worker = new Worker(process.argv[2], { resourceLimits: { maxOldGenerationSizeMb: 1024 }, stdout: false, stderr: false });
await once(worker, "online");
await sleep(1500);
const loaded = rss() - base;
const pdf = new Uint8Array(fs.readFileSync(process.argv[3]));
worker.postMessage({ id: 1, job: { pdf, trustAnchors: [], now: new Date().toISOString(), limits: {} } });
const [reply] = await once(worker, "message");
if (!reply.ok) throw new Error("the verification failed");
await sleep(3000);
const afterJob = rss() - base;
console.log(JSON.stringify({ loaded, afterJob }));
await worker.terminate();
`,
  );
  const samples: { loaded: number; afterJob: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const result = spawnSync(
      process.execPath,
      ["--expose-gc", probe, path.join(appDir, "dist", "verification-worker.mjs"), pdfFile],
      { encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`worker probe failed: ${result.stderr}`);
    samples.push(JSON.parse(result.stdout.trim()) as { loaded: number; afterJob: number });
  }
  return { loadedMb: mb(median(samples.map((s) => s.loaded))), afterJobMb: mb(median(samples.map((s) => s.afterJob))) };
}

export async function measureRuntimeFootprint(): Promise<void> {
  ensureBuilt();
  const pdf = await onePagePdf();
  const pdfFile = path.join(work, "one-page.pdf");
  fs.writeFileSync(pdfFile, pdf);
  const rows: string[] = [];
  const row = (label: string, value: string) => rows.push(`${label.padEnd(70)}${value}`);

  const dataDir = path.join(work, "data");
  const first = await startInstance(dataDir, { DATABASE_URL: "", AUTH_SECRET: "", SIGNET_MASTER_KEY: "" });
  row("start to first 200, new data directory (embedded database created)", `${(first.startMs / 1000).toFixed(1)} s`);
  const firstIdle = await warmUpThenIdle(first, pdf);
  row("idle RSS after that first start", `${firstIdle.rssMb.toFixed(0)} MB`);
  await stopInstance(first);

  const again = await startInstance(dataDir, { DATABASE_URL: "", AUTH_SECRET: "", SIGNET_MASTER_KEY: "" });
  row("start to first 200, existing embedded database", `${(again.startMs / 1000).toFixed(1)} s`);
  const idle = await warmUpThenIdle(again, pdf);
  row("first public verification after start (a worker starts)", `${idle.firstVerifyMs.toFixed(0)} ms`);
  row(`idle RSS, embedded database (${idle.processes} process)`, `${idle.rssMb.toFixed(0)} MB   (target ≤ 350 MB)`);
  await stopInstance(again);

  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (databaseUrl !== undefined && databaseUrl !== "") {
    const secrets = {
      AUTH_SECRET: randomBytes(32).toString("base64"),
      SIGNET_MASTER_KEY: randomBytes(32).toString("base64"),
    };
    const pg = await startInstance(path.join(work, "data-pg"), { DATABASE_URL: databaseUrl, ...secrets });
    row("start to first 200, PostgreSQL", `${(pg.startMs / 1000).toFixed(1)} s`);
    const pgIdle = await warmUpThenIdle(pg, pdf);
    row(`idle RSS, PostgreSQL (${pgIdle.processes} process)`, `${pgIdle.rssMb.toFixed(0)} MB   (target ≤ 350 MB)`);
    await stopInstance(pg);
  }

  const worker = workerFootprint(pdfFile);
  row("verification worker, loaded and idle", `${worker.loadedMb.toFixed(1)} MB   (target ≤ 20 MB)`);
  row("verification worker, idle after one verification", `${worker.afterJobMb.toFixed(1)} MB`);

  console.log("\nproduction runtime (the compiled app tree, .next/standalone; medians)");
  for (const line of rows) console.log(`  ${line}`);
  fs.rmSync(work, { recursive: true, force: true });
}

if (import.meta.filename === path.resolve(process.argv[1] ?? "")) await measureRuntimeFootprint();
