// `npm run build`: everything production runs, as JavaScript, in one relocatable app tree.
//
//   .next/standalone/            Next's standalone output: the app tree
//     .next/  public/            the built app, its static files
//     node_modules/              only what the app and our bundles load (traced)
//     prisma/migrations/         applied by the server at start
//     dist/server.mjs            the server: prepares the runtime, serves Next behind Signet's edge
//     dist/signet.mjs            the CLI
//     dist/*-worker.mjs          worker-thread entries
//     start.sh, signet           run the server, the CLI
//
// `.next/standalone/start.sh` runs it; the tree can be copied anywhere (CI runs it from a copy
// outside the checkout, and the container image holds it alone). Type-checking and lint
// are `npm test`'s job, not the build's.
//
//   --bundles   only the esbuild step, into ./dist (what `npm run signet` needs)
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";
import { APP_INPUTS, BUNDLE_INPUTS, writeStamp } from "./source-stamp.mjs";

const root = path.resolve(import.meta.dirname, "..");
export const APP_DIR = path.join(root, ".next", "standalone");
export const APP_STAMP = path.join(APP_DIR, "signet-source-stamp");
export const BUNDLE_DIR = path.join(root, "dist");
export const BUNDLE_STAMP = path.join(BUNDLE_DIR, "signet-source-stamp");

/**
 * Entry points compiled by esbuild, by output name: the server, the CLI, and every worker-thread
 * entry (every file under lib/ named *-worker.ts), which lib/runtime/worker-pool finds as SIGNET_WORKER_DIR/<name>.mjs.
 */
function entries() {
  const workers = fs
    .readdirSync(path.join(root, "lib"), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith("-worker.ts"))
    .map((file) => [path.basename(file, ".ts"), path.join("lib", file)]);
  return { server: "scripts/server.ts", signet: "cli/signet.ts", ...Object.fromEntries(workers) };
}

/**
 * Loaded from node_modules at run time, not bundled: Next.js and React (one instance shared with
 * the app's server chunks), native addons, WebAssembly and packages that load files of their own.
 */
const EXTERNAL = [
  "next",
  "react",
  "react-dom",
  "@electric-sql/pglite",
  "pglite-prisma-adapter",
  "@prisma/client",
  "@prisma/adapter-pg",
  "pg",
  "@node-rs/argon2",
  "pkcs11js",
  "pino",
];

/**
 * Node's flags for the server. A young generation of 4 MB per semi-space instead of V8's default
 * (up to 32 MB each) keeps an idle instance 30 to 40 MB smaller; large buffers (the PDFs) live
 * outside it. `npm start` passes the same flags (package.json, checked by scripts/build.test.ts).
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=4"];

function emit(level, msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), app: "signet", ...fields, msg })}\n`);
}

const log = (message) => emit(30, `build: ${message}`);

async function timed(name, step) {
  const started = Date.now();
  await step();
  log(`${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

export async function buildBundles() {
  const { build } = await import("esbuild");
  fs.rmSync(BUNDLE_DIR, { recursive: true, force: true });
  const require = createRequire(import.meta.url);
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries(),
    outdir: BUNDLE_DIR,
    outExtension: { ".js": ".mjs" },
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: EXTERNAL,
    // The marker that keeps server code out of client bundles throws outside React's server build.
    alias: { "server-only": path.join(path.dirname(require.resolve("server-only")), "empty.js") },
    // CommonJS packages bundled into ESM still call require() for Node's built-ins.
    banner: {
      js: 'import { createRequire as __signetRequire } from "node:module"; const require = __signetRequire(import.meta.url);',
    },
    legalComments: "none",
    logLevel: "silent",
  });
  for (const warning of result.warnings) emit(40, `build: esbuild: ${warning.text}`, { file: warning.location?.file });
  writeStamp(BUNDLE_STAMP, root, BUNDLE_INPUTS);
}

/** Runs `next build`, its output as JSON lines like the rest of what Signet prints. */
function nextBuild(abort) {
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, "build"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" },
    });
    for (const [stream, level] of [
      [child.stdout, 30],
      [child.stderr, 50],
    ])
      createInterface({ input: stream }).on("line", (line) => {
        const text = line.replace(/\u001b\[[0-9;]*m/g, "").trimEnd();
        if (text.trim() !== "") emit(level, text, { source: "next build" });
      });
    abort?.addEventListener("abort", () => child.kill("SIGTERM"), { once: true });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error("next build failed; see its output above")),
    );
  });
}

const copy = (from, to) => fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });

/** Adds to the app tree what Next's standalone output leaves to the deployer, and our bundles. */
async function assembleAppTree() {
  copy(path.join(root, ".next", "static"), path.join(APP_DIR, ".next", "static"));
  if (fs.existsSync(path.join(root, "public"))) copy(path.join(root, "public"), path.join(APP_DIR, "public"));
  copy(path.join(root, "prisma", "migrations"), path.join(APP_DIR, "prisma", "migrations"));
  fs.rmSync(path.join(APP_DIR, "dist"), { recursive: true, force: true });
  copy(BUNDLE_DIR, path.join(APP_DIR, "dist"));
  fs.rmSync(path.join(APP_DIR, "dist", "signet-source-stamp"), { force: true });
  copy(path.join(root, "package.json"), path.join(APP_DIR, "package.json"));
  // Next's own server entry would serve the app without Signet's edge: start.sh runs dist/server.mjs.
  fs.rmSync(path.join(APP_DIR, "server.js"), { force: true });
  const script = (comment, command) => `#!/bin/sh\n# ${comment} (written by scripts/build.mjs)\nexec ${command} "$@"\n`;
  fs.writeFileSync(
    path.join(APP_DIR, "start.sh"),
    script("Starts Signet from this app tree", `node ${SERVER_NODE_FLAGS.join(" ")} "$(dirname "$0")/dist/server.mjs"`),
    { mode: 0o755 },
  );
  fs.writeFileSync(
    path.join(APP_DIR, "signet"),
    script("Signet's command line", `node "$(dirname "$0")/dist/signet.mjs"`),
    { mode: 0o755 },
  );

  // Whatever our bundles load from node_modules that Next's trace did not already bring.
  const { nodeFileTrace } = createRequire(import.meta.url)("next/dist/compiled/@vercel/nft");
  const bundles = fs
    .readdirSync(BUNDLE_DIR, { recursive: true })
    .filter((name) => String(name).endsWith(".mjs"))
    .map((name) => path.join(BUNDLE_DIR, String(name)));
  // Next.js and React are in the tree already: Next's own trace took what its server needs.
  const tracedByNext = /^node_modules\/(next|react|react-dom|@next|@swc)\//;
  const { fileList } = await nodeFileTrace(bundles, { base: root, ignore: (file) => tracedByNext.test(file) });
  // pdf.js's worker and data files, served to the browser by app/api/documents/pdfjs.
  const pdfjs = ["build/pdf.worker.min.mjs", "cmaps", "standard_fonts", "wasm"].map((p) =>
    path.join("node_modules", "pdfjs-dist", p),
  );
  let added = 0;
  for (const file of [...fileList, ...pdfjs]) {
    if (!file.startsWith(`node_modules${path.sep}`)) continue;
    const target = path.join(APP_DIR, file);
    if (fs.existsSync(target)) continue;
    copy(path.join(root, file), target);
    added += 1;
  }
  log(`traced the bundles' dependencies: ${added} files added to the app tree`);
}

/** Builds the app tree; aborting `abort` stops a `next build` in progress. */
export async function buildAll(abort) {
  await timed("next build", () => nextBuild(abort));
  await timed("bundles (server, CLI, workers)", buildBundles);
  await timed("app tree assembled", assembleAppTree);
  writeStamp(APP_STAMP, root, APP_INPUTS);
  log(`done: node ${path.relative(process.cwd(), path.join(APP_DIR, "dist", "server.mjs"))} runs it`);
}

if (import.meta.filename === path.resolve(process.argv[1] ?? "")) {
  const bundlesOnly = process.argv.includes("--bundles");
  (bundlesOnly ? timed("bundles (server, CLI, workers)", buildBundles) : buildAll()).catch((error) => {
    console.error(`Build failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
