import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation, createPerson } from "@/test/support/signet-accounts";
import { authorize } from "@/lib/access/org-context";
import { Role } from "@/lib/access/roles";
import { createPlatformKey } from "@/lib/custody/platform-keys";
import type { Db } from "@/lib/db/client";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { masterKeyKind } from "@/lib/health/master-key-kind";
import { memoiseFor } from "@/lib/health/memoise-for";
import { serviceHealth } from "@/lib/health/service-health";

const secret = randomBytes(32).toString("base64");
const master = new LocalMasterKey(secret);
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  const { orgId } = await createOrganisation(t.db);
  const { userId } = await createPerson(t.db, [{ orgId, roles: [Role.ADMIN] }]);
  // A wrapped data key exists, so "usable" means one really unwraps.
  await createPlatformKey(
    t.db,
    await authorize(t.db, userId, orgId, "certificates.manage"),
    { label: "k", algorithm: "EC-P256" },
    master,
    {},
  );
});
afterAll(async () => t?.drop());

describe("service health", () => {
  it("is ok when the database answers and the master key unwraps a data key, with latencies and the key's kind only", async () => {
    const health = await serviceHealth({ db: async () => t.db, masterKey: async () => master, masterKeyKind: "env" });
    expect(health).toEqual({
      status: "ok",
      database: { ok: true, ms: expect.any(Number) },
      masterKey: { ok: true, ms: expect.any(Number), kind: "env" },
    });
    expect(JSON.stringify(health)).not.toContain(secret);
    expect(JSON.stringify(health)).not.toContain(master.id);
  });

  it("is unavailable, in general words, when the master key is another one or missing", async () => {
    const failures: string[] = [];
    const other = new LocalMasterKey(randomBytes(32).toString("base64"));
    const wrong = await serviceHealth({
      db: async () => t.db,
      masterKey: async () => other,
      masterKeyKind: "file",
      onFailure: (check) => failures.push(check),
    });
    expect(wrong).toMatchObject({
      status: "unavailable",
      database: { ok: true },
      masterKey: { ok: false, kind: "file", error: expect.stringMatching(/master key/) },
    });
    for (const hidden of [other.id, master.id]) expect(JSON.stringify(wrong)).not.toContain(hidden);
    const missing = await serviceHealth({
      db: async () => t.db,
      masterKey: () => Promise.reject(new Error("SIGNET_MASTER_KEY_FILE points at /secret/path")),
      masterKeyKind: "file",
    });
    expect(missing.masterKey).toEqual({
      ok: false,
      ms: expect.any(Number),
      kind: "file",
      error: "the master key is not configured or not usable",
    });
    expect(failures).toEqual(["masterKey"]);
  });

  it("is unavailable when the database fails or hangs, without the driver's words", async () => {
    const broken = {
      $queryRaw: () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.5:5432 user=signet")),
    } as unknown as Db;
    const down = await serviceHealth({ db: async () => broken, masterKey: async () => master, masterKeyKind: "kms" });
    expect(down).toMatchObject({
      status: "unavailable",
      database: { ok: false, error: "the database did not answer" },
      masterKey: { ok: false, kind: "kms" },
    });
    expect(JSON.stringify(down)).not.toMatch(/10\.0\.0\.5|ECONNREFUSED|user=/);
    const hanging = { $queryRaw: () => new Promise(() => undefined) } as unknown as Db;
    const slow = await serviceHealth({
      db: async () => hanging,
      masterKey: async () => master,
      masterKeyKind: "env",
      timeoutMs: 100,
    });
    expect(slow.database).toMatchObject({ ok: false, error: expect.stringMatching(/did not answer within/) });
  });
});

describe("master key kind", () => {
  it("follows the order in which the master key is resolved", () => {
    expect(
      masterKeyKind({
        SIGNET_MASTER_KEY_KMS_KEY_ID: "arn:aws:kms:eu-west-1:111122223333:key/x",
        SIGNET_MASTER_KEY: "x",
      }),
    ).toBe("kms");
    expect(masterKeyKind({ SIGNET_MASTER_KEY: "x", SIGNET_MASTER_KEY_FILE: "/f" })).toBe("env");
    expect(masterKeyKind({ SIGNET_MASTER_KEY_FILE: "/f", SIGNET_MASTER_KEY: "" })).toBe("file");
    expect(masterKeyKind({})).toBe("generated");
  });
});

describe("memoiseFor", () => {
  it("reuses a result for its time, then asks again", async () => {
    let clock = 0;
    let calls = 0;
    const cached = memoiseFor(
      1000,
      async () => ++calls,
      () => clock,
    );
    expect([await cached(), await cached()]).toEqual([1, 1]);
    clock = 1000;
    expect(await cached()).toBe(2);
  });
});
