/**
 * GET /api/health (liveness), called as Next.js calls it, on a test database installed as the process's
 * database. The session is the one part replaced: `currentUser` and `organisationsOf` answer
 * for the caller each test plays (lives here because vitest runs lib/ tests).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { authorize } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";

vi.mock("server-only", () => ({}));
const caller = vi.hoisted(() => ({
  user: null as null | { id: string; email: string; name: string },
  orgId: null as string | null,
}));
vi.mock("@/app/_server/session", () => ({
  currentUser: async () => caller.user,
  organisationsOf: async () => ({
    organisations: [],
    active: caller.orgId === null ? null : { id: caller.orgId, name: "", roles: [] },
  }),
}));

const { GET } = await import("@/app/api/health/route");

const secret = randomBytes(32).toString("base64");
const master = new LocalMasterKey(secret);
const env = { ...process.env };
let t: TestDatabase;
let orgId: string;
let keyId: string;
let adminId: string;
let signerId: string;
let auditorId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  (globalThis as Record<symbol, unknown>)[Symbol.for("signet.database")] = Promise.resolve(t);
  (globalThis as Record<symbol, unknown>)[Symbol.for("signet.masterKey")] = Promise.resolve(master);
  process.env.SIGNET_MASTER_KEY = secret;
  ({ orgId } = await createOrganisation(t.db));
  adminId = (await createPerson(t.db, [{ orgId, roles: [Role.ADMIN] }])).userId;
  signerId = (await createPerson(t.db, [{ orgId, roles: [Role.SIGNER] }])).userId;
  auditorId = (await createPerson(t.db, [{ orgId, roles: [Role.AUDITOR] }])).userId;
  ({ keyId } = await createPlatformKey(
    t.db,
    await authorize(t.db, adminId, orgId, "certificates.manage"),
    { label: "seal key", algorithm: "EC-P256" },
    master,
    {},
  ));
});
afterAll(async () => {
  process.env = env;
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("signet.database")];
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("signet.masterKey")];
  await t?.drop();
});
beforeEach(() => {
  caller.user = null;
  caller.orgId = null;
});

const signedIn = (userId: string) => {
  caller.user = { id: userId, email: "x@example.test", name: "X" };
  caller.orgId = orgId;
};

/** A database that is down: every query fails as a driver would, with a host in its words. */
const down: unknown = new Proxy(function () {}, {
  get: (_, property) => (property === "then" ? undefined : down),
  apply: () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.5:5432")),
});

describe("GET /api/health (liveness)", () => {
  it("answers anyone 200 { status: ok }, with nothing about dependencies, keys or secrets", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("adds, for an administrator of the active organisation, each active key's backend status and latency", async () => {
    signedIn(adminId);
    const response = await GET();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { keys: unknown[] };
    expect(body).toEqual({
      status: "ok",
      keys: [{ keyId, label: "seal key", backend: "PLATFORM", ok: true, ms: expect.any(Number) }],
    });
    expect(JSON.stringify(body)).not.toContain(secret);
  });

  it("gives members who do not administer keys (signer, auditor) and people outside the organisation no per-key section", async () => {
    const outsider = await createPerson(t.db, [{ orgId: (await createOrganisation(t.db)).orgId, roles: [Role.ADMIN] }]);
    for (const userId of [signerId, auditorId, outsider.userId]) {
      signedIn(userId);
      const response = await GET();
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
    }
  });

  it("stays 200 while the database is down, for anyone and for an administrator (whose key section is then left out)", async () => {
    const database = Symbol.for("signet.database");
    const installed = (globalThis as Record<symbol, unknown>)[database];
    (globalThis as Record<symbol, unknown>)[database] = Promise.resolve({ db: down });
    try {
      for (const userId of [null, adminId]) {
        if (userId !== null) signedIn(userId);
        const response = await GET();
        expect(response.status).toBe(200);
        const body = await response.text();
        expect(JSON.parse(body)).toEqual({ status: "ok" });
        expect(body).not.toMatch(/10\.0\.0\.5|ECONNREFUSED/);
      }
    } finally {
      (globalThis as Record<symbol, unknown>)[database] = installed;
    }
  });
});
