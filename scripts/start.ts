// `npm start`: prepare secrets and the database, build when the sources changed, then serve
// (scripts/serve.ts: Signet's HTTP edge in front of Next.js).
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { prepareRuntime } from "@/lib/runtime/prepare";
import { isSignetError } from "@/lib/engine/errors";
import { log } from "@/lib/log/logger";
import { buildIsCurrent, recordBuild } from "@/scripts/next-build-stamp";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const serveScript = path.join(root, "scripts", "serve.ts");
const dev = process.argv.includes("--dev");

async function main(): Promise<number> {
  const { settings, env: runtimeEnv } = await prepareRuntime();
  const env = { ...process.env, ...runtimeEnv };

  if (!dev && !buildIsCurrent(root)) {
    log.info("building the web app (first start, or the sources changed)…");
    const build = spawnSync(process.execPath, [nextBin, "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...env, NODE_ENV: "production" },
    });
    if (build.status !== 0) {
      log.error("next build failed; see the output above");
      return 1;
    }
    recordBuild(root);
  }

  log.info({ url: settings.publicUrl, port: settings.port }, "starting Signet");
  // As `next start` and `next dev` would: production unless developing.
  const server = spawn(process.execPath, ["--import", "tsx", serveScript, ...(dev ? ["--dev"] : [])], {
    cwd: root,
    stdio: "inherit",
    env: { ...env, NODE_ENV: dev ? "development" : "production" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  return new Promise((resolve) => server.on("exit", (code, signal) => resolve(code ?? (signal === null ? 0 : 1))));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (isSignetError(error)) {
      console.error(`Signet cannot start: ${error.message}`);
    } else {
      console.error("Signet cannot start:", error);
    }
    process.exit(1);
  },
);
