import { randomBytes } from "node:crypto";
import pg from "pg";
import { fromPGlite, openDatabase, type OpenDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { openPGlite, openSqlSession } from "@/lib/db/sql-session";

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server of
 * TEST_DATABASE_URL when it is set, otherwise an in-memory PGlite.
 */
export type TestDatabase = OpenDatabase & { kind: "postgres" | "pglite"; url: string | null; drop(): Promise<void> };

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
export const usingPostgres = testDatabaseUrl !== undefined;

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDatabaseUrl === undefined) {
    const pglite = await openPGlite(null);
    const session = await openSqlSession({ kind: "pglite", dataDir: null }, pglite);
    await migrate(session);
    const opened = fromPGlite(pglite);
    return { ...opened, kind: "pglite", url: null, drop: () => opened.close() };
  }
  const url = await createScratchPostgresDatabase(testDatabaseUrl);
  const session = await openSqlSession({ kind: "postgres", url });
  try {
    await migrate(session);
  } finally {
    await session.close();
  }
  const opened = await openDatabase({ kind: "postgres", url });
  return {
    ...opened,
    kind: "postgres",
    url,
    drop: async () => {
      await opened.close();
      await dropScratchPostgresDatabase(testDatabaseUrl, url);
    },
  };
}

/** CREATE DATABASE signet_test_<random> next to the given one; returns its URL. */
export async function createScratchPostgresDatabase(baseUrl: string, prefix = "signet_test"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropScratchPostgresDatabase(baseUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
