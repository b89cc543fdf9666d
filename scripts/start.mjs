// `npm start`: builds the app tree when the sources changed (scripts/build.mjs), then runs its
// server in this very process, so the signals `npm start` receives reach the server itself.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { APP_INPUTS, stampIsCurrent } from "./source-stamp.mjs";

const root = path.resolve(import.meta.dirname, "..");
// One JSON line, as the server writes its log (lib/log/logger.ts).
const say = (level, msg) => console.log(JSON.stringify({ level, time: Date.now(), app: "signet", msg }));
const appDir = path.join(root, ".next", "standalone");
const server = path.join(appDir, "dist", "server.mjs");

if (!fs.existsSync(server) || !stampIsCurrent(path.join(appDir, "signet-source-stamp"), root, APP_INPUTS)) {
  if (!fs.existsSync(path.join(root, "node_modules", "esbuild"))) {
    say(
      50,
      "Signet cannot start: the app is not built, and building it needs the development dependencies (npm ci, then npm run build).",
    );
    process.exit(1);
  }
  say(30, "building (first start, or the sources changed)…");
  const { buildAll } = await import("./build.mjs");
  // Stopped while building: the build ends, and so does npm start, as if it had been serving.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    await buildAll(stop.signal);
  } catch (error) {
    if (stop.signal.aborted) process.exit(0);
    say(50, `Signet cannot start: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  if (stop.signal.aborted) process.exit(0);
}
await import(pathToFileURL(server).href);
