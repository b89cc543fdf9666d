// Prints the SQL that brings the database produced by prisma/migrations up to prisma/schema.prisma.
//
//   npx tsx scripts/db-diff.ts                 print it (stdout), or say on stderr that there is none
//   npx tsx scripts/db-diff.ts --create NAME   also write it to prisma/migrations/<UTC yyyymmddHHMMSS>_NAME/migration.sql
//
// Runs Prisma's wasm schema engine against an in-memory PGlite (see scripts/schema-diff.ts), so it
// needs neither a database server nor the CLI's native schema engine. Review what it writes, and
// add by hand what the Prisma datamodel cannot express (triggers, for instance).
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_MIGRATIONS_DIR, diffMigrationsToSchema } from "@/scripts/schema-diff";

function usage(message: string): never {
  console.error(`${message}\nUsage: npx tsx scripts/db-diff.ts [--create NAME]`);
  process.exit(2);
}

function utcTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

async function main(): Promise<number> {
  let create: string | undefined;
  try {
    ({
      values: { create },
    } = parseArgs({ options: { create: { type: "string" } }, strict: true }));
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  if (create !== undefined && !/^[a-z0-9][a-z0-9_]*$/.test(create)) {
    usage(`Migration name must be lower-case letters, digits and underscores: ${JSON.stringify(create)}`);
  }

  const { sql, empty } = await diffMigrationsToSchema();
  if (empty) {
    console.error("The migrations and prisma/schema.prisma agree: no migration needed.");
    if (create !== undefined) {
      console.error("Not creating an empty migration.");
      return 1;
    }
    return 0;
  }

  process.stdout.write(sql.endsWith("\n") ? sql : `${sql}\n`);
  if (create === undefined) return 0;

  const folder = path.join(DEFAULT_MIGRATIONS_DIR, `${utcTimestamp(new Date())}_${create}`);
  await mkdir(path.dirname(folder), { recursive: true });
  await mkdir(folder); // fails if it already exists: never overwrite a migration
  const file = path.join(folder, "migration.sql");
  await writeFile(file, sql.endsWith("\n") ? sql : `${sql}\n`, { flag: "wx" });
  console.error(`Wrote ${path.relative(process.cwd(), file)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
