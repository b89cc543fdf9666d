// `npm run bench`: seals generated 1-page, ~10 MB and ~100 MB PDFs and compares, in the same run,
// with (a) the floor: read + SHA-256 + one signature + write, and (b) the naive pipeline peers
// ship: pdf-lib load/save + @signpdf placeholder-pdf-lib + signer-p12. Each measurement runs in
// its own process (peak RSS is per operation); medians are reported. Then the compiled CLI as a
// whole process (`node dist/signet.mjs seal`, built first) on the 1-page and ~100 MB files, beside
// the copy-and-hash floor (`cp` then `openssl dgst -sha256`, spawned the same way). Nothing here
// asserts a threshold: it prints figures and ratios. `-- --quick` takes fewer runs. Last, the
// production runtime on the compiled app tree (bench/runtime-footprint.ts): start-up, idle memory
// of one instance across its processes, and a verification worker's own memory. Then sealing
// throughput through the durable jobs and the per-call cost of the key backends
// (bench/sealing-throughput.ts).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { measureRuntimeFootprint } from "@/bench/runtime-footprint";
import { imagePdf } from "@/test/support/image-pdf";
import { measureSealingThroughput } from "@/bench/sealing-throughput";

const root = path.resolve(import.meta.dirname, "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "signet-bench-"));
const quick = process.argv.includes("--quick");

type Sample = { ms: number; peakRssMb: number; baseRssMb: number };
type Row = {
  file: string;
  sizeMb: number;
  scenario: string;
  medianMs: number;
  mbPerS: number;
  peakRssMb: number;
  baseRssMb: number;
  runs: number;
};

function makeKeys() {
  const key = path.join(work, "key.pem");
  const cert = path.join(work, "cert.pem");
  const p12 = path.join(work, "bench.p12");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "30",
      "-subj",
      "/CN=Signet Bench/O=Signet",
      "-addext",
      "keyUsage=critical,digitalSignature,nonRepudiation",
    ],
    { stdio: "ignore" },
  );
  execFileSync("openssl", ["pkcs12", "-export", "-inkey", key, "-in", cert, "-out", p12, "-passout", "pass:bench"], {
    stdio: "ignore",
  });
  return { key, cert, p12 };
}

/** A PDF of `pages` pages, each drawing an uncompressed RGB image of `imageBytes` bytes. */
async function makePdf(name: string, pages: number, imageBytes: number): Promise<string> {
  const bytes = await imagePdf({ pages, imageBytes, title: "Signet benchmark" });
  const file = path.join(work, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/**
 * The worker is bundled to plain JavaScript first: run through tsx, the in-process compiler's
 * own memory (~200 MB) would hide the operation's peak RSS.
 */
async function bundleWorker(): Promise<string> {
  const outfile = path.join(root, "node_modules", ".cache", "signet-bench", "bench-worker.mjs");
  await build({
    entryPoints: [path.join(root, "bench", "bench-worker.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "error",
  });
  return outfile;
}

function measure(scenario: string, input: string, keys: ReturnType<typeof makeKeys>, runs: number): Sample[] {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const output = path.join(work, `out-${scenario}.pdf`);
    const result = spawnSync(process.execPath, [worker, scenario, input, output, keys.key, keys.cert, keys.p12], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    if (result.status !== 0) throw new Error(`${scenario} failed: ${result.stderr}`);
    samples.push(JSON.parse(result.stdout.trim().split("\n").pop()!) as Sample);
  }
  return samples;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The compiled CLI, built as `npm run build` builds it (scripts/build.mjs --bundles). */
function buildCli(): string {
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--bundles"], {
    cwd: root,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`building the bundles failed: ${result.stderr}${result.stdout}`);
  return path.join(root, "dist", "signet.mjs");
}

/** Wall time of running the commands one after another, each a process of its own (as a shell would). */
function timeProcesses(commands: [string, string[]][]): number {
  const started = process.hrtime.bigint();
  for (const [command, args] of commands) {
    const result = spawnSync(command, args, { cwd: work, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

console.log("building the bundles (scripts/build.mjs --bundles)…");
const cli = buildCli();
const keys = makeKeys();
const worker = await bundleWorker();
console.log("generating inputs…");
const files = [
  { label: "1 page", path: await makePdf("one-page.pdf", 1, 0), runs: quick ? 3 : 7 },
  { label: "~10 MB", path: await makePdf("ten-mb.pdf", 10, 1_000_000), runs: quick ? 3 : 5 },
  { label: "~100 MB", path: await makePdf("hundred-mb.pdf", 50, 2_000_000), runs: quick ? 1 : 3 },
];

const rows: Row[] = [];
for (const file of files) {
  const sizeMb = fs.statSync(file.path).size / 2 ** 20;
  const sealed = path.join(work, `sealed-${path.basename(file.path)}`);
  const scenarios: [string, string][] = [
    ["floor", file.path],
    ["signet-seal", file.path],
    ["naive", file.path],
    ["floor-verify", file.path],
  ];
  for (const [scenario, input] of scenarios) {
    console.log(`  ${file.label}: ${scenario} ×${file.runs}`);
    const samples = measure(scenario, input, keys, file.runs);
    rows.push({
      file: file.label,
      sizeMb,
      scenario,
      medianMs: median(samples.map((s) => s.ms)),
      mbPerS: 0,
      peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
      baseRssMb: median(samples.map((s) => s.baseRssMb)),
      runs: file.runs,
    });
    if (scenario === "signet-seal") fs.copyFileSync(path.join(work, "out-signet-seal.pdf"), sealed);
  }
  for (const scenario of ["signet-verify", "public-verify"]) {
    console.log(`  ${file.label}: ${scenario} ×${file.runs}`);
    const samples = measure(scenario, sealed, keys, file.runs);
    rows.push({
      file: file.label,
      sizeMb,
      scenario,
      medianMs: median(samples.map((s) => s.ms)),
      mbPerS: 0,
      peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
      baseRssMb: median(samples.map((s) => s.baseRssMb)),
      runs: file.runs,
    });
  }
}
for (const row of rows) row.mbPerS = row.sizeMb / (row.medianMs / 1000);

const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number, digits = 1) => n.toFixed(digits).padStart(9);
console.log(`\nSignet benchmark — ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}\n`);
console.log(
  `${pad("file", 9)}${pad("scenario", 15)}${"size MB".padStart(9)}${"median ms".padStart(11)}${"MB/s".padStart(9)}${"peak RSS MB".padStart(13)}${"base RSS".padStart(10)}  runs`,
);
for (const r of rows)
  console.log(
    `${pad(r.file, 9)}${pad(r.scenario, 15)}${num(r.sizeMb)}${num(r.medianMs).padStart(11)}${num(r.mbPerS)}${num(r.peakRssMb, 0).padStart(13)}${num(r.baseRssMb, 0).padStart(10)}  ${r.runs}`,
  );

console.log("\nratios (lower is better for time)");
for (const file of files) {
  const get = (scenario: string) => rows.find((r) => r.file === file.label && r.scenario === scenario);
  const floor = get("floor")!;
  const seal = get("signet-seal")!;
  const naive = get("naive")!;
  const floorVerify = get("floor-verify")!;
  const verify = get("signet-verify");
  const publicVerify = get("public-verify");
  const parts = [
    `seal/floor ${(seal.medianMs / floor.medianMs).toFixed(2)}×`,
    `naive/seal ${(naive.medianMs / seal.medianMs).toFixed(1)}×`,
    `seal peak RSS − file size ${(seal.peakRssMb - seal.sizeMb).toFixed(0)} MB`,
    `naive peak RSS ${naive.peakRssMb.toFixed(0)} MB`,
  ];
  if (verify)
    parts.push(
      `verify/floor ${(verify.medianMs / Math.max(floor.medianMs, floorVerify.medianMs)).toFixed(2)}× (floor: read+hash+sign+write)`,
      `verify/read+hash ${(verify.medianMs / floorVerify.medianMs).toFixed(2)}×`,
    );
  if (verify && publicVerify)
    parts.push(`public (worker thread)/in-process verify ${(publicVerify.medianMs / verify.medianMs).toFixed(2)}×`);
  console.log(`  ${pad(file.label, 8)} ${parts.join(" · ")}`);
}
console.log(
  "\ntargets (issue 3): sealing 100 MB within 2× the floor, ≥10× faster than naive, peak RSS under file size + 150 MB; verifying 100 MB within 2× the floor.",
);

// Whole-process CLI figures (issue 14 item 8). The three measurements take turns, so that other
// load on the machine falls on each alike; outputs are removed (untimed) before each run, so no
// run pays for freeing the previous run's 100 MB file.
const onePage = files[0]!.path;
const hundred = files[2]!.path;
const cliRuns = quick ? 3 : 7;
const sealArgs = (input: string, output: string): [string, string[]] => [
  process.execPath,
  [cli, "seal", input, "-o", output, "--key", keys.key, "--cert", keys.cert, "--allow-self-signed"],
];
const copied = path.join(work, "floor-copy.pdf");
const cliOutputs = [path.join(work, "cli-one-page.pdf"), path.join(work, "cli-hundred-mb.pdf"), copied];
const cliSamples = { onePage: [] as number[], hundred: [] as number[], floor: [] as number[] };
console.log(`\nwhole-process CLI: signet seal (1 page, ~100 MB) and the copy-and-hash floor, ×${cliRuns} each…`);
for (let i = 0; i < cliRuns; i++) {
  for (const output of cliOutputs) fs.rmSync(output, { force: true });
  cliSamples.onePage.push(timeProcesses([sealArgs(onePage, cliOutputs[0]!)]));
  cliSamples.hundred.push(timeProcesses([sealArgs(hundred, cliOutputs[1]!)]));
  cliSamples.floor.push(
    timeProcesses([
      ["cp", [hundred, copied]],
      ["openssl", ["dgst", "-sha256", copied]],
    ]),
  );
}
const cliOnePage = median(cliSamples.onePage);
const cliHundred = median(cliSamples.hundred);
const cliFloor = median(cliSamples.floor);
const marginal = cliHundred - cliOnePage;
const hundredMb = fs.statSync(hundred).size / 2 ** 20;
console.log(`\nwhole-process CLI (node dist/signet.mjs seal, compiled; median of ${cliRuns} runs each)`);
const line = (label: string, ms: number) => console.log(`  ${pad(label, 52)}${num(ms).padStart(9)} ms`);
line("one page, whole process", cliOnePage);
line(`~100 MB (${hundredMb.toFixed(1)} MB), whole process`, cliHundred);
line("marginal = ~100 MB − one page", marginal);
line("floor: cp + openssl dgst -sha256 of the ~100 MB file", cliFloor);
console.log(`  ${pad("marginal / floor", 52)}${(marginal / cliFloor).toFixed(2).padStart(9)}×`);
console.log(
  "\ntargets (issue 14 item 8, on an idle machine): one page ≤ 400 ms whole-process; marginal ≤ 1.5× the floor.",
);
fs.rmSync(work, { recursive: true, force: true });

// The production runtime: start-up, idle memory of one instance, a verification worker's memory.
await measureRuntimeFootprint();

// Documents sealed per second through the durable sealing jobs, and the key backends' per-call cost.
await measureSealingThroughput({ quick });
