// Scratch databases on a PostgreSQL server (pg only: scripts/test.ts and vitest-global-setup.ts use these too).
import { randomBytes } from "node:crypto";
import pg from "pg";

/** Where test-database.ts records the run's migrated template database, in the run's shared folder. */
export const POSTGRES_TEMPLATE_FILE = "postgres-template.url";

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
