import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { SignetError } from "@/lib/engine/errors";
import { describeTarget, type DatabaseTarget } from "@/lib/db/target";

export class DatabaseUnavailableError extends SignetError {
  constructor(where: string, cause: unknown) {
    super(
      "db.unavailable",
      `Cannot connect to ${where}: ${cause instanceof Error ? cause.message : String(cause)}. Check DATABASE_URL and that the server is running.`,
      { status: 503, cause },
    );
  }
}

/**
 * A single raw connection, for work Prisma cannot do: applying migration scripts
 * (whose $$-quoted function bodies break statement splitting) and test set-up.
 */
export interface SqlSession {
  /** Runs a script of one or more statements, without parameters. */
  exec(sql: string): Promise<void>;
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export async function openSqlSession(target: DatabaseTarget, pglite?: PGlite): Promise<SqlSession> {
  if (target.kind === "postgres") return openPostgresSession(target.url);
  const db = pglite ?? (await openPGlite(target.dataDir));
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await db.query<Row>(sql, params)).rows,
    close: async () => {
      if (pglite === undefined) await db.close();
    },
  };
}

async function openPostgresSession(url: string): Promise<SqlSession> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new DatabaseUnavailableError(describeTarget({ kind: "postgres", url }), error);
  }
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <Row extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
      (await client.query<Row>(sql, params)).rows,
    close: () => client.end(),
  };
}

/**
 * The embedded server's settings. PostgreSQL's default 128 MB of shared buffers is most of an
 * embedded instance's memory (PGlite's RSS 317 MB with it, 184 MB with 16 MB, 177 MB with 8 MB);
 * the embedded mode is for one small instance, and a larger deployment runs PostgreSQL itself.
 */
const PGLITE_CONF = ["shared_buffers=8MB"];

/** Whether `dataDir` holds an embedded PostgreSQL cluster already. */
export function embeddedClusterExists(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, "PG_VERSION"));
}

/** Opens (creating when needed) an embedded PostgreSQL; null means in memory. */
export async function openPGlite(dataDir: string | null): Promise<PGlite> {
  if (dataDir !== null) fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const options = { postgresqlconf: PGLITE_CONF };
  const db = dataDir === null ? new PGlite(options) : new PGlite(dataDir, options);
  await db.waitReady;
  return db;
}
