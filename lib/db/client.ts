import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { readSettings } from "@/lib/config/settings";
import { PrismaClient } from "@/lib/db/generated/client";
import { openPGlite } from "@/lib/db/sql-session";
import { databaseTarget, type DatabaseTarget } from "@/lib/db/target";
import { onShutdown } from "@/lib/process/shutdown";

export type Db = PrismaClient;
/** The client handed to callbacks of `db.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export type OpenDatabase = { db: Db; target: DatabaseTarget; pglite: PGlite | null; close(): Promise<void> };

/**
 * Prisma's defaults (2 s to get a connection, 5 s per interactive transaction) are too short for
 * transactions that queue on a lock, such as audit appends to one chain under load: waiting is
 * correct there, failing is not.
 */
const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;

export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  if (target.kind === "postgres") {
    const db = new PrismaClient({
      adapter: new PrismaPg({ connectionString: target.url, max: 10 }),
      transactionOptions: TRANSACTION_OPTIONS,
    });
    return { db, target, pglite: null, close: () => db.$disconnect() };
  }
  const pglite = await openPGlite(target.dataDir);
  return fromPGlite(pglite, target);
}

export function fromPGlite(pglite: PGlite, target: DatabaseTarget = { kind: "pglite", dataDir: null }): OpenDatabase {
  const db = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TRANSACTION_OPTIONS });
  return {
    db,
    target,
    pglite,
    close: async () => {
      await db.$disconnect();
      await pglite.close();
    },
  };
}

const GLOBAL_KEY = Symbol.for("signet.database");
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: Promise<OpenDatabase> };

/**
 * The process-wide database of the running app, opened once: the server's start-up (migrations,
 * the master-key check) and the app's requests share it, so an embedded PGlite is loaded into
 * memory once. Its close is registered for the server's shutdown.
 */
export function processDatabase(target: DatabaseTarget = databaseTarget(readSettings())): Promise<OpenDatabase> {
  const g = globalThis as GlobalWithDb;
  if (g[GLOBAL_KEY] === undefined) {
    const opened = openDatabase(target);
    g[GLOBAL_KEY] = opened;
    opened.catch(() => {
      if (g[GLOBAL_KEY] === opened) delete g[GLOBAL_KEY];
    });
    onShutdown("database", async () => (await opened).close());
  }
  return g[GLOBAL_KEY];
}

export async function getDb(): Promise<Db> {
  return (await processDatabase()).db;
}
