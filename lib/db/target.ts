import path from "node:path";
import type { Settings } from "@/lib/config/settings";

/** Where the data lives: a PostgreSQL server, or an embedded PGlite directory (or memory). */
export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string | null };

export function databaseTarget(settings: Pick<Settings, "databaseUrl" | "dataDir">): DatabaseTarget {
  if (settings.databaseUrl !== undefined) return { kind: "postgres", url: settings.databaseUrl };
  return { kind: "pglite", dataDir: path.join(settings.dataDir, "pglite") };
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === "pglite")
    return target.dataDir === null
      ? "embedded PostgreSQL (in memory)"
      : `embedded PostgreSQL (PGlite) in ${target.dataDir}`;
  const url = new URL(target.url);
  return `PostgreSQL at ${url.hostname}:${url.port || "5432"}${url.pathname}`;
}
