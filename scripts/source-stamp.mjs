// Fingerprints of the sources a build reads, so `npm start` and `npm run signet` rebuild only
// when something changed. Plain JavaScript: the launchers run before anything is compiled.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const SKIP = new Set(["node_modules", ".next", "generated", "dist", "data"]);
const isTest = (name) => /\.(test|spec)\.tsx?$/.test(name);

/** What the compiled bundles (server, workers, CLI) are built from. */
export const BUNDLE_INPUTS = [
  "lib",
  "cli",
  "scripts/server.ts",
  "scripts/build.mjs",
  "package-lock.json",
  "tsconfig.json",
];
/** What the whole app tree is built from: the bundles' inputs and everything `next build` reads. */
export const APP_INPUTS = [
  ...BUNDLE_INPUTS,
  "app",
  "components",
  "public",
  "prisma",
  "instrumentation.ts",
  "next.config.ts",
];

/** A hash of the inputs' paths, sizes and modification times. */
export function sourceStamp(root, inputs) {
  const hash = createHash("sha256");
  const visit = (p) => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) if (!SKIP.has(name) && !isTest(name)) visit(path.join(p, name));
    } else {
      hash.update(`${path.relative(root, p)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const input of inputs) visit(path.join(root, input));
  return hash.digest("hex");
}

export function stampIsCurrent(file, root, inputs) {
  return fs.existsSync(file) && fs.readFileSync(file, "utf8") === sourceStamp(root, inputs);
}

export function writeStamp(file, root, inputs) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sourceStamp(root, inputs));
}
