// `npm start`: prepare secrets and the database, build when the sources changed, then serve.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { prepareRuntime } from "@/lib/runtime/prepare";
import { isSignetError } from "@/lib/errors";
import { log } from "@/lib/log/logger";
import { buildIsCurrent, recordBuild } from "./next-build-stamp";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const dev = process.argv.includes("--dev");

async function main(): Promise<number> {
  const { settings, env: runtimeEnv } = await prepareRuntime();
  const env = { ...process.env, ...runtimeEnv };

  if (!dev && !buildIsCurrent(root)) {
    log.info("building the web app (first start, or the sources changed)…");
    const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: { ...env, NODE_ENV: "production" } });
    if (build.status !== 0) {
      log.error("next build failed; see the output above");
      return 1;
    }
    recordBuild(root);
  }

  log.info({ url: settings.publicUrl, port: settings.port }, "starting Signet");
  const server = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "--port", String(settings.port)], { cwd: root, stdio: "inherit", env });
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
