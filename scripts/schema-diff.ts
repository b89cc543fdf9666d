// Computes the SQL that takes the database produced by prisma/migrations to the datamodel in
// prisma/schema.prisma, without the Prisma CLI's native schema engine (which cannot be
// downloaded on every machine). It runs Prisma's WebAssembly schema engine,
// @prisma/schema-engine-wasm — an internal, unstable API whose exact version is pinned in
// package.json — against a throw-away in-memory PGlite that serves as the shadow database.
//
// Used by scripts/db-diff.ts (print the diff, or write it as a new migration) and by
// scripts/schema-diff.test.ts (the migrations and the schema must agree).
import { readdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type SqlDriverAdapter,
} from "@prisma/driver-adapter-utils";
import type {
  DiffParams,
  MigrationDirectory,
  MigrationList,
  SchemaContainer,
} from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaPGlite } from "pglite-prisma-adapter";

const projectRoot = fileURLToPath(new URL("../", import.meta.url));
export const DEFAULT_MIGRATIONS_DIR = path.join(projectRoot, "prisma", "migrations");
export const DEFAULT_SCHEMA_PATH = path.join(projectRoot, "prisma", "schema.prisma");

export interface SchemaDiffOptions {
  /** Directory holding `<name>/migration.sql` folders. Default: prisma/migrations. */
  migrationsDir?: string;
  /** A .prisma file, or a directory of them. Default: prisma/schema.prisma. */
  schemaPath?: string;
}

export interface SchemaDiff {
  /** The SQL script, as the engine printed it (an empty diff is a lone comment). */
  sql: string;
  /** True when applying the migrations already yields the schema's datamodel. */
  empty: boolean;
}

/**
 * The SQL that takes the database produced by applying every migration in `migrationsDir`
 * (in name order, to an empty in-memory PGlite) to the datamodel of `schemaPath`.
 * Takes a few seconds: the engine and PGlite are both WebAssembly.
 */
export async function diffMigrationsToSchema(options: SchemaDiffOptions = {}): Promise<SchemaDiff> {
  const migrationsDir = path.resolve(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const schemaPath = path.resolve(options.schemaPath ?? DEFAULT_SCHEMA_PATH);
  const [wasm, schemaFiles, migrationsList] = await Promise.all([
    loadSchemaEngineWasm(),
    readSchemaFiles(schemaPath),
    readMigrationsList(migrationsDir),
  ]);

  // One in-memory PGlite serves as both the "main" database, which the engine only probes for
  // its version when it starts, and the shadow database, into which it applies the migrations
  // before introspecting them. We own it, so we can close it; the adapter's own
  // connectToShadowDb() would start a second instance that nothing ever closes.
  const pglite = new PGlite();
  const engineLog: string[] = [];
  try {
    const adapterFactory = bindMigrationAwareSqlAdapterFactory(new ShadowAwarePGliteFactory(pglite));
    const engine = await callEngine(() =>
      wasm.SchemaEngine.new(
        { datamodels: schemaFiles.map((file): [string, string] => [file.path, file.content]) },
        (line: string) => engineLog.push(line),
        adapterFactory,
      ),
    );
    try {
      const params: DiffParams = {
        from: { tag: "migrations", ...migrationsList },
        to: { tag: "schemaDatamodel", files: schemaFiles },
        script: true,
        // With exitCode set, the engine answers 2 for a non-empty diff and 0 for an empty one.
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      };
      const result = await callEngine(() => engine.diff(params), engineLog);
      const sql = result.stdout ?? "";
      // Two independent signals, so that a change of wording in the engine's "-- This is an
      // empty migration." comment cannot make a real difference look empty.
      const empty = result.exitCode === 0 && !hasSqlStatements(sql);
      return { sql, empty };
    } finally {
      engine.free();
    }
  } finally {
    await pglite.close();
  }
}

/** True when `sql` contains anything besides whitespace and comments. */
export function hasSqlStatements(sql: string): boolean {
  return (
    sql
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/--[^\n]*/g, "")
      .trim().length > 0
  );
}

// ---------------------------------------------------------------------------------------------
// Loading the engine. The package is wasm-bindgen's "bundler" build: its entry point imports the
// .wasm file as an ES module, which Node 20 refuses without --experimental-wasm-modules. So we
// instantiate the .wasm ourselves against the package's JS glue (schema_engine_bg.js), exactly
// as that entry point would.

type SchemaEngineModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

interface PanicRegistry {
  message: string;
  set_message(message: string): void;
}

declare global {
  // The wasm glue reports Rust panics through this global before throwing a RuntimeError.
  var PRISMA_WASM_PANIC_REGISTRY: PanicRegistry | undefined;
}

let wasmModulePromise: Promise<SchemaEngineModule> | undefined;

function loadSchemaEngineWasm(): Promise<SchemaEngineModule> {
  wasmModulePromise ??= instantiateSchemaEngineWasm().catch((error: unknown) => {
    wasmModulePromise = undefined;
    throw error;
  });
  return wasmModulePromise;
}

async function instantiateSchemaEngineWasm(): Promise<SchemaEngineModule> {
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: "",
    set_message(message: string) {
      this.message = message;
    },
  };
  const glue: SchemaEngineModule = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = path.join(path.dirname(gluePath), "schema_engine_bg.wasm");
  const wasmModule = await WebAssembly.compile(await readFile(wasmPath));

  const glueExports: Record<string, unknown> = { ...glue };
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const { module: from, name } of WebAssembly.Module.imports(wasmModule)) {
    const value = glueExports[name];
    if (typeof value !== "function") {
      throw new Error(`@prisma/schema-engine-wasm: its .wasm imports ${from}#${name}, which its JS glue lacks`);
    }
    (imports[from] ??= {})[name] = value as WebAssembly.ImportValue;
  }
  const instance = await WebAssembly.instantiate(wasmModule, imports);
  glue.__wbg_set_wasm(instance.exports);
  const start = instance.exports.__wbindgen_start;
  if (typeof start === "function") start();
  return glue;
}

/** Runs an engine call, turning a Rust panic into an error that says what panicked. */
async function callEngine<T>(call: () => Promise<T>, engineLog: string[] = []): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && error.name === "RuntimeError") {
      const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY?.message;
      throw new Error(`The Prisma schema engine (wasm) crashed: ${panic || error.message}`, { cause: error });
    }
    const errors = engineLog.filter((line) => /"level":"(ERROR|WARN)"/.test(line));
    if (error instanceof Error && errors.length > 0) error.message += `\nSchema engine log:\n${errors.join("\n")}`;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The driver adapter.

/**
 * pglite-prisma-adapter's factory, with the shadow database on the given PGlite instead of on a
 * fresh one, and with an executeScript that waits for the script and reports its errors (the
 * adapter's own starts `exec` without awaiting it: the engine would go on before the migration
 * has run, and a failing migration would surface as an unhandled rejection, not as an error).
 */
class ShadowAwarePGliteFactory extends PrismaPGlite {
  constructor(private readonly pglite: PGlite) {
    super(pglite);
  }

  override async connect(): Promise<SqlDriverAdapter> {
    return withAwaitedScripts(await super.connect(), this.pglite);
  }

  override async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return withAwaitedScripts(await super.connect(), this.pglite);
  }
}

function withAwaitedScripts(adapter: SqlDriverAdapter, pglite: PGlite): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    dispose: () => adapter.dispose(),
    executeScript: async (script) => {
      try {
        await pglite.exec(script);
      } catch (error) {
        throw toDriverAdapterError(error);
      }
    },
  };
}

interface PostgresErrorFields {
  message: string;
  code?: string;
  severity?: string;
  detail?: string;
  column?: string;
  hint?: string;
}

function toDriverAdapterError(error: unknown): unknown {
  if (!(error instanceof Error) || !("code" in error) || typeof error.code !== "string") return error;
  const fields = error as Error & PostgresErrorFields;
  return new DriverAdapterError({
    kind: "postgres",
    code: fields.code ?? "",
    severity: fields.severity ?? "ERROR",
    message: fields.message,
    detail: fields.detail,
    column: fields.column,
    hint: fields.hint,
  });
}

// ---------------------------------------------------------------------------------------------
// Reading the inputs, as the Prisma CLI does.

async function readSchemaFiles(schemaPath: string): Promise<SchemaContainer[]> {
  if (!(await stat(schemaPath)).isDirectory()) {
    return [{ path: schemaPath, content: await readFile(schemaPath, "utf8") }];
  }
  const entries = await readdir(schemaPath, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".prisma"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  if (files.length === 0) throw new Error(`No .prisma file in ${schemaPath}`);
  return Promise.all(files.map(async (file) => ({ path: file, content: await readFile(file, "utf8") })));
}

async function readMigrationsList(migrationsDir: string): Promise<MigrationList> {
  const lockfilePath = "migration_lock.toml";
  // The wasm engine learns the connector from the lock file; we keep none, so say it here.
  const lockfile =
    (await readFile(path.join(migrationsDir, lockfilePath), "utf8").catch(() => null)) ?? 'provider = "postgresql"\n';
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return [];
    throw error;
  });
  const migrationDirectories: MigrationDirectory[] = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort((a, b) => a.localeCompare(b))
      .map(async (name): Promise<MigrationDirectory> => {
        const file = "migration.sql";
        const content = await readFile(path.join(migrationsDir, name, file), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (error: unknown) => ({
            tag: "error" as const,
            value: error instanceof Error ? error.message : String(error),
          }),
        );
        return { path: name, migrationFile: { path: file, content } };
      }),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockfilePath, content: lockfile },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}
