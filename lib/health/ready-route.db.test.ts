/**
 * GET /api/ready, called as Next.js calls it, on a test database, master key, document store
 * and background jobs installed as the process's (on globalThis, where the route finds them).
 * Each test imports the route afresh: its answer is reused for 5 s within one module instance.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { authorize } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { markDraining } from "@/lib/health/draining";
import { startRepeatingJobs, type RunningJobs } from "@/lib/jobs/repeating-jobs";

const g = globalThis as Record<symbol, unknown>;
const DATABASE = Symbol.for("signet.database");
const MASTER_KEY = Symbol.for("signet.masterKey");
const DOCUMENT_STORE = Symbol.for("signet.documentStore");
const JOBS = Symbol.for("signet.backgroundJobs");
const DRAINING = Symbol.for("signet.draining");

const secret = randomBytes(32).toString("base64");
const master = new LocalMasterKey(secret);
const env = { ...process.env };
const dir = mkdtempSync(path.join(tmpdir(), "signet-ready-"));
const documentDir = path.join(dir, "documents");
let t: TestDatabase;
let jobs: RunningJobs;

/** The route as a fresh module instance (a fresh 5 s cache); the process's state stays on globalThis. */
async function freshGET(): Promise<() => Promise<Response>> {
  vi.resetModules();
  return (await import("@/app/api/ready/route")).GET;
}

const installStore = (documentsAt: string) =>
  (g[DOCUMENT_STORE] = {
    store: new LocalDocumentStore(documentsAt),
    settings: { documentDir: documentsAt, maxUploadBytes: 1024 },
  });

beforeAll(async () => {
  t = await createTestDatabase();
  g[DATABASE] = Promise.resolve(t);
  g[MASTER_KEY] = Promise.resolve(master);
  process.env.SIGNET_MASTER_KEY = secret;
  const { orgId } = await createOrganisation(t.db);
  const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.ADMIN] }]);
  // A wrapped data key exists, so the master key check really unwraps one.
  await createPlatformKey(
    t.db,
    await authorize(t.db, userId, orgId, "certificates.manage"),
    { label: "k", algorithm: "EC-P256" },
    master,
    {},
  );
});
beforeEach(() => {
  installStore(documentDir);
  jobs = startRepeatingJobs([{ name: "test-job", everyMs: 60_000, run: async () => undefined }]);
  g[JOBS] = jobs;
});
afterEach(async () => {
  delete g[DRAINING];
  await jobs.stop();
});
afterAll(async () => {
  process.env = env;
  for (const key of [DATABASE, MASTER_KEY, DOCUMENT_STORE, JOBS]) delete g[key];
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Files left under the store's folder, outside its temporary area. */
const storedFiles = () =>
  readdirSync(documentDir, { recursive: true, withFileTypes: true }).filter(
    (e) => e.isFile() && !e.parentPath.includes(".incoming"),
  );

describe("GET /api/ready", () => {
  it("answers 200 ready with each check and its time when the database, master key, document store and jobs work; the probe file is gone", async () => {
    const response = await (await freshGET())();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      status: "ready",
      checks: {
        database: { ok: true, ms: expect.any(Number) },
        masterKey: { ok: true, ms: expect.any(Number), kind: "env" },
        documents: { ok: true, ms: expect.any(Number) },
        jobs: { ok: true, ms: expect.any(Number) },
      },
    });
    for (const hidden of [secret, master.id, dir]) expect(text).not.toContain(hidden);
    expect(storedFiles()).toEqual([]);
  });

  it("answers 503 when the document store cannot be written, saying which check failed in general words", async () => {
    const notADirectory = path.join(dir, "a-file");
    writeFileSync(notADirectory, "not a folder");
    installStore(notADirectory);
    const response = await (await freshGET())();
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      status: "unready",
      checks: {
        database: { ok: true },
        masterKey: { ok: true },
        documents: { ok: false, ms: expect.any(Number), error: "the document store cannot be written or read" },
        jobs: { ok: true },
      },
    });
    expect(text).not.toContain(dir);
  });

  it("answers 503 when the database is down, without the driver's words", async () => {
    const down: unknown = new Proxy(function () {}, {
      get: (_, property) => (property === "then" ? undefined : down),
      apply: () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.5:5432")),
    });
    g[DATABASE] = Promise.resolve({ db: down });
    try {
      const response = await (await freshGET())();
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({
        status: "unready",
        checks: {
          database: { ok: false, error: "the database did not answer" },
          masterKey: { ok: false },
          documents: { ok: true },
          jobs: { ok: true },
        },
      });
      expect(text).not.toMatch(/10\.0\.0\.5|ECONNREFUSED/);
    } finally {
      g[DATABASE] = Promise.resolve(t);
    }
  });

  it("answers 503 when the background jobs are not running or were stopped", async () => {
    delete g[JOBS];
    const absent = await (await freshGET())();
    expect(absent.status).toBe(503);
    expect(((await absent.json()) as { checks: { jobs: unknown } }).checks.jobs).toEqual({
      ok: false,
      ms: expect.any(Number),
      error: "background jobs: the background jobs are not running in this process",
    });
    g[JOBS] = jobs;
    await jobs.stop();
    const stopped = await (await freshGET())();
    expect(stopped.status).toBe(503);
    expect(((await stopped.json()) as { checks: { jobs: unknown } }).checks.jobs).toMatchObject({
      ok: false,
      error: "background jobs: the background jobs were stopped",
    });
  });

  it("answers 503 { status: draining } once the server is shutting down, even with every check passing", async () => {
    const GET = await freshGET();
    expect((await GET()).status).toBe(200);
    markDraining();
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "draining" });
  });

  it("reuses its answer for a few seconds, so callers cannot make it query and write at will", async () => {
    const GET = await freshGET();
    expect((await GET()).status).toBe(200);
    const notADirectory = path.join(dir, "another-file");
    writeFileSync(notADirectory, "not a folder");
    installStore(notADirectory);
    expect((await GET()).status).toBe(200);
    expect((await (await freshGET())()).status).toBe(503);
  });
});
