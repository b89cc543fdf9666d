import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { SignetError } from "@/lib/engine/errors";
import type { SqlSession } from "@/lib/db/sql-session";

/** prisma/migrations of the checkout, or of the compiled app tree, whose server says where (scripts/server.ts). */
export function migrationsDir(): string {
  return process.env.SIGNET_MIGRATIONS_DIR ?? path.resolve(import.meta.dirname, "..", "..", "prisma", "migrations");
}

/** Prisma's own lock id, so our runner and Prisma's never migrate the same database at once. */
const MIGRATION_LOCK_ID = 72707369;

export class MigrationError extends SignetError {
  constructor(message: string, cause?: unknown) {
    super("db.migration_failed", message, { status: 500, cause });
  }
}

export type Migration = { name: string; sql: string; checksum: string };

export function readMigrations(dir: string = migrationsDir()): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies pending migrations in name order, each in its own transaction, recorded in
 * `_prisma_migrations` with Prisma's columns and a SHA-256 checksum. An applied migration
 * whose file changed since is an error, not something to paper over.
 */
export async function migrate(session: SqlSession, migrations: Migration[] = readMigrations()): Promise<string[]> {
  const applied: string[] = [];
  await session.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const done = await session.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const checksums = new Map(done.map((row) => [row.migration_name, row.checksum]));
    for (const migration of migrations) {
      const recorded = checksums.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.name} was changed after it was applied to this database. Restore the file; add a new migration instead.`,
          );
        }
        continue;
      }
      await applyOne(session, migration);
      applied.push(migration.name);
    }
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
  }
  return applied;
}

async function applyOne(session: SqlSession, migration: Migration): Promise<void> {
  await session.exec("BEGIN");
  try {
    await session.exec(migration.sql);
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, now(), $3, now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await session.exec("COMMIT");
  } catch (error) {
    await session.exec("ROLLBACK");
    throw new MigrationError(
      `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
      error,
    );
  }
}
