import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { inject } from "vitest";
import { fromPGlite, openDatabase, type OpenDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { openPGlite, openSqlSession } from "@/lib/db/sql-session";
import {
  createScratchPostgresDatabase,
  dropScratchPostgresDatabase,
  POSTGRES_TEMPLATE_FILE,
} from "@/test/support/postgres-scratch";

export { createScratchPostgresDatabase, dropScratchPostgresDatabase };

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server of
 * TEST_DATABASE_URL when it is set, otherwise an in-memory PGlite.
 *
 * Within a vitest run the migrations are applied once, to a template (a PGlite data directory dump,
 * or a PostgreSQL template database) that every test file copies: a fresh PGlite takes seconds to
 * initialise, a copy of the migrated one a fraction of that. `{ fresh: true }` migrates a new
 * database instead (the tests of the migrations themselves).
 */
export type TestDatabase = OpenDatabase & { kind: "postgres" | "pglite"; url: string | null; drop(): Promise<void> };

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
export const usingPostgres = testDatabaseUrl !== undefined;

export async function createTestDatabase(options: { fresh?: boolean } = {}): Promise<TestDatabase> {
  const shared = options.fresh ? undefined : sharedDir();
  if (testDatabaseUrl === undefined) {
    const pglite =
      shared === undefined
        ? await migratedPGlite()
        : new PGlite({ loadDataDir: new Blob([new Uint8Array(await pgliteTemplate(shared))]) });
    await pglite.waitReady;
    const opened = fromPGlite(pglite);
    return { ...opened, kind: "pglite", url: null, drop: () => opened.close() };
  }
  const url =
    shared === undefined
      ? await migratedPostgres(testDatabaseUrl)
      : await copyPostgresTemplate(testDatabaseUrl, await postgresTemplate(shared, testDatabaseUrl));
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

async function migratedPGlite(): Promise<PGlite> {
  const pglite = await openPGlite(null);
  await migrate(await openSqlSession({ kind: "pglite", dataDir: null }, pglite));
  return pglite;
}

async function migratedPostgres(baseUrl: string, prefix?: string): Promise<string> {
  const url = await createScratchPostgresDatabase(baseUrl, prefix);
  const session = await openSqlSession({ kind: "postgres", url });
  try {
    await migrate(session);
  } finally {
    await session.close();
  }
  return url;
}

/** The run's shared scratch folder (vitest-global-setup.ts), or undefined outside a vitest run. */
function sharedDir(): string | undefined {
  try {
    return inject("qpdfCacheDir");
  } catch {
    return undefined;
  }
}

/**
 * Made once per run by whichever worker asks first (mkdir is the lock), written under a temporary
 * name and renamed, so the others wait for a complete file; vitest-global-setup.ts removes the folder.
 */
async function oncePerRun(dir: string, name: string, make: () => Promise<Buffer>): Promise<Buffer> {
  const file = path.join(dir, name);
  if (existsSync(file)) return readFileSync(file);
  try {
    mkdirSync(`${file}.lock`);
  } catch {
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(100)) {
      if (existsSync(file)) return readFileSync(file);
    }
    throw new Error(`test database template ${name}: another worker did not finish making it`);
  }
  const bytes = await make();
  writeFileSync(`${file}.${process.pid}.tmp`, bytes);
  renameSync(`${file}.${process.pid}.tmp`, file);
  return bytes;
}

async function pgliteTemplate(dir: string): Promise<Buffer> {
  return oncePerRun(dir, "pglite-template.tar", async () => {
    const pglite = await migratedPGlite();
    try {
      return Buffer.from(await (await pglite.dumpDataDir("none")).arrayBuffer());
    } finally {
      await pglite.close();
    }
  });
}

/** The name of the migrated template database; vitest-global-setup.ts drops it when the run ends. */
async function postgresTemplate(dir: string, baseUrl: string): Promise<string> {
  const url = (
    await oncePerRun(dir, POSTGRES_TEMPLATE_FILE, async () =>
      Buffer.from(await migratedPostgres(baseUrl, "signet_template")),
    )
  ).toString();
  return new URL(url).pathname.slice(1);
}

async function copyPostgresTemplate(baseUrl: string, template: string): Promise<string> {
  const name = `signet_test_${randomBytes(6).toString("hex")}`;
  for (let attempt = 1; ; attempt++) {
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      break;
    } catch (error) {
      // Two copies started at the same instant: PostgreSQL copies a template for one session at a time.
      if (attempt >= 50 || !/being accessed by other users/.test(String(error))) throw error;
      await sleep(50 + Math.random() * 100);
    } finally {
      await admin.end();
    }
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
