// Signet's server process: prepares secrets and the database, then serves Next.js behind Signet's
// HTTP edge (lib/http/signet-edge) through Next's custom-server API. Route handlers cannot see
// the socket in Next.js 16: only a server of our own can say where a request came from, or
// refuse a body before anything reads it.
//
// scripts/build.mjs compiles this file to dist/server.mjs inside the app tree (Next's standalone
// output), which is what `npm start`, CI and the container run. `npm run dev` runs it from
// TypeScript with --dev.
import { spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import fs from "node:fs";
import { readDocumentSettings } from "@/lib/documents/document-settings";
import { readSettings } from "@/lib/config/settings";
import { embeddedClusterExists, openPGlite } from "@/lib/db/sql-session";
import { databaseTarget, describeTarget } from "@/lib/db/target";
import { isSignetError } from "@/lib/engine/errors";
import { markDraining } from "@/lib/health/draining";
import { signetEdge } from "@/lib/http/signet-edge";
import { routeConsoleToLog } from "@/lib/log/console-to-log";
import { log } from "@/lib/log/logger";
import { runShutdown } from "@/lib/process/shutdown";
import { prepareRuntime } from "@/lib/runtime/prepare";

const dev = process.argv.includes("--dev");
/** dist/server.mjs in the compiled app tree; scripts/server.ts in a checkout. */
const compiled = import.meta.filename.endsWith(".mjs");
const root = path.resolve(import.meta.dirname, "..");

/** How long open requests (a seal in progress, say) may run after SIGTERM/SIGINT before their connections are closed. */
function shutdownGraceMs(): number {
  const seconds = Number(process.env.SIGNET_SHUTDOWN_GRACE_SECONDS ?? 30);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 30_000;
}

/** Next's configuration as the build resolved it: the compiled server never loads next.config.ts. */
function builtNextConfig(): Record<string, unknown> {
  const file = path.join(root, ".next", "required-server-files.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

/**
 * Creating an embedded cluster (PGlite's initdb) leaves about 70 MB more resident in the process
 * that did it, for good; a short-lived process of its own creates it instead.
 */
function createEmbeddedClusterApart(): void {
  const target = databaseTarget(readSettings());
  if (target.kind !== "pglite" || target.dataDir === null || embeddedClusterExists(target.dataDir)) return;
  const result = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, CREATE_CLUSTER], {
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error(`creating the embedded database in ${target.dataDir} failed`);
}

const CREATE_CLUSTER = "--create-embedded-cluster";

async function createEmbeddedCluster(): Promise<void> {
  const target = databaseTarget(readSettings());
  if (target.kind !== "pglite" || target.dataDir === null) return;
  const started = Date.now();
  await (await openPGlite(target.dataDir)).close();
  log.info({ database: describeTarget(target), ms: Date.now() - started }, "embedded database created");
}

/** After the open requests are done, how long the shutdown steps (jobs, database) may take. */
const SHUTDOWN_STEPS_MS = 10_000;

async function main(): Promise<void> {
  // Before Next.js loads: it wraps console once when its server starts, and must wrap ours.
  routeConsoleToLog(log);
  // A signal during start-up is answered once the server is up (start-up is bounded), so that
  // migrations and the database are never cut off halfway.
  let early: NodeJS.Signals | null = null;
  const onEarlySignal = (signal: NodeJS.Signals) => {
    early ??= signal;
  };
  process.on("SIGTERM", onEarlySignal);
  process.on("SIGINT", onEarlySignal);
  if (compiled) {
    process.env.SIGNET_WORKER_DIR = import.meta.dirname;
    process.env.SIGNET_MIGRATIONS_DIR = path.join(root, "prisma", "migrations");
  }
  createEmbeddedClusterApart();
  const { settings, env } = await prepareRuntime();
  Object.assign(process.env, env, { NODE_ENV: dev ? "development" : "production", SIGNET_APP_DIR: root });
  let conf: Record<string, unknown> | undefined;
  if (compiled) {
    conf = builtNextConfig();
    process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(conf);
  }
  // Next.js and React choose their production build when first loaded: after NODE_ENV is set.
  const { default: next } = await import("next");
  const { maxUploadBytes } = readDocumentSettings();
  const server = http.createServer();
  const app = next({
    dev,
    dir: root,
    port: settings.port,
    httpServer: server,
    customServer: true,
    ...(conf ? { conf } : {}),
  });
  await app.prepare();
  const edge = signetEdge(app.getRequestHandler(), {
    maxUploadBytes,
    verifyMaxBytes: settings.verifyMaxBytes,
    trustProxy: settings.trustProxy,
    publicUrl: settings.publicUrl,
    dev,
  });
  let stopping = false;
  const open = new Set<http.ServerResponse>();
  // While stopping, each answer closes its connection, and a connection that falls idle is closed at once.
  const closeAfter = (res: http.ServerResponse) => {
    if (!res.headersSent) res.shouldKeepAlive = false;
    res.once("finish", () => server.closeIdleConnections());
  };
  const drain = (res: http.ServerResponse) => {
    open.add(res);
    res.once("close", () => open.delete(res));
    if (stopping) closeAfter(res);
  };
  server.on("request", (req, res) => {
    drain(res);
    edge(req, res);
  });
  // Without this listener Node answers "100 Continue" itself, and the client sends a body we would refuse.
  server.on("checkContinue", (req, res) => {
    drain(res);
    edge(req, res, { expectsContinue: true });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, resolve);
  });
  log.info({ url: settings.publicUrl, port: settings.port, dev, pid: process.pid }, "Signet is listening");

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const res of open) closeAfter(res);
    markDraining();
    const graceMs = shutdownGraceMs();
    log.info({ signal, graceMs }, "stopping: no new connections; open requests may finish");
    const forced = setTimeout(() => {
      log.warn("stopping: grace period over, closing the remaining connections");
      server.closeAllConnections();
    }, graceMs);
    forced.unref();
    server.close(() => {
      clearTimeout(forced);
      void finish();
    });
    server.closeIdleConnections();
  };
  const finish = async () => {
    setTimeout(() => {
      log.warn({ ms: SHUTDOWN_STEPS_MS }, "stopped: the shutdown steps did not finish in time");
      process.exit(0);
    }, SHUTDOWN_STEPS_MS).unref();
    const steps = await runShutdown();
    await app.close().catch(() => undefined);
    for (const step of steps.filter((s) => !s.ok))
      log.warn({ step: step.name, error: step.error }, "shutdown step failed");
    log.info({ steps: steps.map((s) => s.name) }, "stopped");
    process.exit(0);
  };
  process.off("SIGTERM", onEarlySignal);
  process.off("SIGINT", onEarlySignal);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  if (early !== null) stop(early);
}

(process.argv.includes(CREATE_CLUSTER) ? createEmbeddedCluster() : main()).catch((error: unknown) => {
  console.error("Signet cannot start:", isSignetError(error) ? error.message : error);
  process.exit(1);
});
