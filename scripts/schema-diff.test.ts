import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SCHEMA_PATH, diffMigrationsToSchema, hasSqlStatements } from "@/scripts/schema-diff";

// Each diff starts the wasm schema engine and an in-memory PGlite: a few seconds apiece.
describe("diffMigrationsToSchema", { timeout: 60_000 }, () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "signet-schema-diff-"));
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("finds prisma/migrations and prisma/schema.prisma in agreement", async () => {
    const { sql, empty } = await diffMigrationsToSchema();
    expect(empty, `Migrations and schema disagree; add a migration (npm run db:diff -- --create NAME):\n${sql}`).toBe(
      true,
    );
    expect(hasSqlStatements(sql)).toBe(false);
  });

  it("reports the SQL for a schema that has moved on from the migrations", async () => {
    const schema = await readFile(DEFAULT_SCHEMA_PATH, "utf8");
    const changed =
      schema.replace("model AuditHead {", "model AuditHead {\n  driftCheckNote String?") +
      "\nmodel DriftCheck {\n  id String @id\n}\n";
    expect(changed).toContain("driftCheckNote");
    const schemaPath = path.join(tmp, "schema.prisma");
    await writeFile(schemaPath, changed);

    const { sql, empty } = await diffMigrationsToSchema({ schemaPath });
    expect(empty).toBe(false);
    expect(sql).toMatch(/ALTER TABLE "AuditHead" ADD COLUMN\s+"driftCheckNote" TEXT/);
    expect(sql).toContain('CREATE TABLE "DriftCheck"');
  });

  it("fails, rather than diffing a partial history, when a migration does not apply", async () => {
    const migrationsDir = path.join(tmp, "migrations");
    await mkdir(path.join(migrationsDir, "20260101000000_broken"), { recursive: true });
    await writeFile(
      path.join(migrationsDir, "20260101000000_broken", "migration.sql"),
      'CREATE TABLE "Broken" ("id" TEXT PRIMARY KEY);\nSELECT "nothing" FROM "nowhere";\n',
    );
    await expect(diffMigrationsToSchema({ migrationsDir })).rejects.toThrow(/20260101000000_broken.*failed to apply/);
  });
});

describe("hasSqlStatements", () => {
  it("ignores comments and whitespace", () => {
    expect(hasSqlStatements("-- This is an empty migration.\n")).toBe(false);
    expect(hasSqlStatements("/* nothing */\n  -- here\n")).toBe(false);
    expect(hasSqlStatements('-- AddColumn\nALTER TABLE "X" ADD COLUMN "y" TEXT;\n')).toBe(true);
  });
});
