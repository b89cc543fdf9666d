import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { migrate, MigrationError, readMigrations } from "@/lib/db/migrate";
import { openSqlSession, type SqlSession } from "@/lib/db/sql-session";

let t: TestDatabase;
let session: SqlSession;

beforeAll(async () => {
  // Migrated here, not copied from the run's template: these tests are about migrate itself.
  t = await createTestDatabase({ fresh: true });
  session = await openSqlSession(
    t.kind === "postgres" ? { kind: "postgres", url: t.url! } : { kind: "pglite", dataDir: null },
    t.pglite ?? undefined,
  );
});
afterAll(async () => {
  await session?.close();
  await t?.drop();
});

describe("migrate", () => {
  it("recorded every migration in _prisma_migrations with its checksum", async () => {
    const rows = await session.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const expected = readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(expected.map((m) => m.name));
    expect(rows.map((r) => r.checksum)).toEqual(expected.map((m) => m.checksum));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it("is idempotent", async () => {
    expect(await migrate(session)).toEqual([]);
  });

  it("refuses a migration whose file changed after it was applied", async () => {
    const [first] = readMigrations();
    await expect(migrate(session, [{ ...first!, checksum: "0".repeat(64) }])).rejects.toThrow(MigrationError);
  });

  it("rolls back a failing migration completely and records nothing", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-migration-"));
    try {
      const broken = {
        name: "29990101000000_broken",
        sql: `CREATE TABLE "Half" (id int); SELECT * FROM "NoSuchTable";`,
        checksum: "f".repeat(64),
      };
      await expect(migrate(session, [...readMigrations(), broken])).rejects.toThrow(
        /29990101000000_broken failed and was rolled back/,
      );
      const half = await session.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'Half'`,
      );
      expect(half[0]?.n).toBe("0");
      const recorded = await session.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`, [
        broken.name,
      ]);
      expect(recorded).toHaveLength(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
