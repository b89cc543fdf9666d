// `npm test`'s architecture step: the layer rules and the folder-cycle check of
// scripts/architecture/rules.ts over the import graph dependency-cruiser resolves.
import fs from "node:fs";
import path from "node:path";
import { cruise, type IModule } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import {
  clientBundleViolations,
  configurationReads,
  folderCycles,
  layerViolations,
  type ImportEdge,
} from "@/scripts/architecture/rules";

const root = path.resolve(import.meta.dirname, "../..");
process.chdir(root);

const scanned = ["lib", "app", "components", "cli", "scripts", "bench", "test", "e2e", "instrumentation.ts"];
const result = await cruise(
  scanned,
  {
    exclude: { path: "(^|/)(node_modules|\\.next|lib/db/generated)/" },
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
  {},
  { tsConfig: extractTSConfig("tsconfig.json") },
);
if (typeof result.output === "string") throw new Error("dependency-cruiser returned a report instead of a graph");
const modules: IModule[] = result.output.modules;

const edges: ImportEdge[] = [];
const unresolved: string[] = [];
for (const file of modules) {
  for (const dependency of file.dependencies) {
    if (dependency.couldNotResolve && dependency.module.startsWith("."))
      unresolved.push(`${file.source} -> ${dependency.module}`);
    if (dependency.couldNotResolve) continue;
    const to = dependency.coreModule ? `node:${dependency.resolved.replace(/^node:/, "")}` : dependency.resolved;
    edges.push({ from: file.source, to, typeOnly: dependency.dependencyTypes.includes("type-only") });
  }
}
const sources = new Map(
  modules
    .filter((m) => /\.(ts|tsx)$/.test(m.source) && !m.source.includes("node_modules"))
    .map((m) => [m.source, fs.readFileSync(m.source, "utf8")]),
);

const clientEntries = [...sources].filter(([, source]) => /^\s*["']use client["']/.test(source)).map(([file]) => file);
// A client module that imports a server action gets a reference to it, not its code.
const serverActions = new Set(
  [...sources].filter(([, source]) => /^\s*["']use server["']/.test(source)).map(([file]) => file),
);
const violations = [
  ...layerViolations(edges),
  ...configurationReads(sources),
  ...clientBundleViolations(
    edges.filter((e) => !serverActions.has(e.to)),
    clientEntries,
  ),
];
const cycles = folderCycles(edges);
const projectFiles = [...sources.keys()].length;

for (const v of violations) console.error(`✗ ${v.rule}: ${v.from} -> ${v.to} (${v.why})`);
for (const cycle of cycles) console.error(`✗ folder cycle: ${cycle.join(" <-> ")}`);
for (const line of unresolved) console.error(`✗ unresolved import: ${line}`);
const problems = violations.length + cycles.length + unresolved.length;
console.log(
  `architecture: ${projectFiles} files, ${edges.length} imports; ${violations.length} rule violations, ${cycles.length} folder cycles, ${unresolved.length} unresolved imports`,
);
process.exit(problems === 0 ? 0 : 1);
