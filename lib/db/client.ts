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
 * The process-wide database of the running app, opened on first use. An embedded PGlite
 * directory may be open in one process only; the start script closes its own handle
 * before the server process opens this one.
 */
export async function getDb(): Promise<Db> {
  const g = globalThis as GlobalWithDb;
  if (g[GLOBAL_KEY] === undefined) {
    const opened = openDatabase(databaseTarget(readSettings()));
    g[GLOBAL_KEY] = opened;
    onShutdown("database", async () => (await opened).close());
  }
  return (await g[GLOBAL_KEY]).db;
}
