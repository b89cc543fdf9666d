// Runs `prisma generate` without the native schema engine, which the Prisma CLI tries to
// download and cannot on offline machines. Generation does not need the engine; the CLI only
// checks that the file exists, so we point it at a script that explains itself and fails.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "node_modules", "prisma", "build", "index.js");
// An install without development dependencies (npm ci --omit=dev) has no Prisma CLI: it can
// only run an app tree built before (npm run build), which carries its generated client.
if (!fs.existsSync(cli)) {
  console.log("prisma generate skipped: the Prisma CLI is a development dependency and is not installed.");
  process.exit(0);
}
const engine = path.join(root, "scripts", "no-schema-engine.sh");
const result = spawnSync(process.execPath, [cli, "generate"], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? engine,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
