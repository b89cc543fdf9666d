import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const INPUTS = ["app", "components", "lib", "public", "next.config.ts", "package-lock.json", "tsconfig.json"];
const SKIP = new Set(["node_modules", ".next", "generated"]);

/** A fingerprint of everything `next build` reads, so `npm start` rebuilds only when something changed. */
export function sourceStamp(root: string): string {
  const hash = createHash("sha256");
  const visit = (p: string) => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort())
        if (!SKIP.has(name) && !name.endsWith(".test.ts")) visit(path.join(p, name));
    } else {
      hash.update(`${path.relative(root, p)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const input of INPUTS) visit(path.join(root, input));
  return hash.digest("hex");
}

export const STAMP_FILE = path.join(".next", "signet-source-stamp");

export function buildIsCurrent(root: string): boolean {
  const file = path.join(root, STAMP_FILE);
  return (
    fs.existsSync(path.join(root, ".next", "BUILD_ID")) &&
    fs.existsSync(file) &&
    fs.readFileSync(file, "utf8") === sourceStamp(root)
  );
}

export function recordBuild(root: string): void {
  fs.writeFileSync(path.join(root, STAMP_FILE), sourceStamp(root));
}
