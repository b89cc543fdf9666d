// The architecture, as rules a build can fail on. `scripts/architecture/check.ts` runs them
// over the real import graph (dependency-cruiser resolves every import, `@/` paths included);
// `rules.test.ts` shows that each rule catches what it is meant to catch.

/** One resolved import: `from` and `to` are repository-relative paths. */
export type ImportEdge = { from: string; to: string; typeOnly: boolean };

export type Violation = { rule: string; from: string; to: string; why: string };

const isTest = (file: string) => /\.test\.tsx?$/.test(file) || file.startsWith("test/") || file.startsWith("e2e/");
const inEngine = (file: string) => file.startsWith("lib/engine/");
/** The bench and the test runner start test servers and databases on purpose. */
const isTestTooling = (file: string) => file.startsWith("bench/") || file === "scripts/test.ts";
const PROJECT_FOLDERS = /^(lib|app|components|cli|scripts|bench|test|e2e)\//;

/** The packages of the web framework, the database and logging: services may use them, the engine may not. */
const SERVICE_PACKAGES =
  /(^|\/)node_modules\/(next|next-auth|react|react-dom|pino|@prisma\/[^/]+|prisma|pg|@electric-sql\/pglite|pglite-prisma-adapter|server-only)\//;

/**
 * The engine's public surface: each engine folder's index.ts, the key backends' own index.ts
 * (so a process loads only the SDK or native binding of the custody it uses), and errors.ts.
 */
const ENGINE_SURFACE =
  /^lib\/engine\/(errors\.ts|[^/]+\/(index|browser)\.ts|keys\/(aws-kms|pkcs11|platform|local)\/index\.ts)$/;

export function layerViolations(edges: readonly ImportEdge[]): Violation[] {
  const found: Violation[] = [];
  for (const { from, to } of edges) {
    if (isTest(from)) continue;
    if (inEngine(from) && PROJECT_FOLDERS.test(to) && !inEngine(to)) {
      found.push({
        rule: "engine-is-pure",
        from,
        to,
        why: "the sealing engine imports nothing outside lib/engine: no service, database, configuration, logging or app code",
      });
    }
    if (inEngine(from) && SERVICE_PACKAGES.test(to)) {
      found.push({
        rule: "engine-without-frameworks",
        from,
        to,
        why: "the sealing engine uses no web framework, database driver or logger",
      });
    }
    if (from.startsWith("lib/") && /^(app|components)\//.test(to)) {
      found.push({ rule: "lib-knows-no-app", from, to, why: "lib/ knows nothing of the Next.js app" });
    }
    if (!inEngine(from) && inEngine(to) && !ENGINE_SURFACE.test(to)) {
      found.push({
        rule: "engine-surface",
        from,
        to,
        why: "outside the engine, import an engine folder through its index.ts",
      });
    }
    if (isTest(to) && !isTestTooling(from)) {
      found.push({ rule: "no-test-code-in-production", from, to, why: "production code imports no test support" });
    }
  }
  return found;
}

/** The folder a file belongs to for the cycle check: lib/engine/<name>, lib/<name>, or the top-level folder. */
export function folderOf(file: string): string {
  const parts = file.replace(/\.(ts|tsx|mts|mjs)$/, "").split("/");
  if (parts[0] === "lib" && parts[1] === "engine" && parts.length > 2) return `lib/engine/${parts[2]}`;
  if (parts[0] === "lib" && parts.length > 1) return `lib/${parts[1]}`;
  return parts[0]!;
}

/** Every cycle between folders (production imports only; type-only imports count, they couple too). */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (isTest(from) || isTest(to) || !PROJECT_FOLDERS.test(to)) continue;
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  return stronglyConnected(graph).filter((component) => component.length > 1);
}

/** Tarjan's algorithm; each strongly connected component of two or more folders is a cycle. */
function stronglyConnected(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

/** The engine reads no configuration: no environment variables in its production files. */
export function configurationReads(files: ReadonlyMap<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, source] of files) {
    if (!inEngine(file) || isTest(file)) continue;
    if (/\bprocess\.env\b/.test(source))
      found.push({
        rule: "engine-reads-no-configuration",
        from: file,
        to: "process.env",
        why: "configuration is read by the services and passed to the engine",
      });
  }
  return found;
}

/**
 * What no browser bundle may hold: Node built-ins, the server's libraries (node-forge's vm
 * polyfill alone calls eval, which the CSP refuses), the database, and the engine's server
 * surfaces. Client code takes engine helpers from a folder's browser.ts.
 */
const SERVER_ONLY =
  /^(node:|(.*\/)?node_modules\/(node-forge|@aws-sdk\/[^/]+|pkcs11js|pg|@prisma\/[^/]+|pino|@electric-sql\/pglite|pdf-lib|@node-rs\/[^/]+)\/|lib\/db\/|lib\/engine\/[^/]+\/index\.ts$)/;

/**
 * Follows runtime imports (type-only ones vanish from bundles) from every "use client" module
 * and reports each path into server-only code, with the client module it starts from.
 */
export function clientBundleViolations(edges: readonly ImportEdge[], clientEntries: readonly string[]): Violation[] {
  const next = new Map<string, string[]>();
  for (const { from, to, typeOnly } of edges) {
    if (typeOnly) continue;
    if (!next.has(from)) next.set(from, []);
    next.get(from)!.push(to);
  }
  const found: Violation[] = [];
  for (const entry of clientEntries) {
    const seen = new Set<string>([entry]);
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.shift()!;
      for (const to of next.get(file) ?? []) {
        if (SERVER_ONLY.test(to)) {
          found.push({
            rule: "client-bundle-is-browser-safe",
            from: `${entry} (via ${file})`,
            to,
            why: "a client component may not bundle server-only code",
          });
          continue;
        }
        if (!seen.has(to) && !to.includes("node_modules/")) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
  }
  return found;
}
