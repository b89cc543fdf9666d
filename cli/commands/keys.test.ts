import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSignetInProcess } from "@/test/support/run-signet-cli";
import { openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { openSqlSession } from "@/lib/db/sql-session";
import { checkMasterKey } from "@/lib/custody/check-master-key";
import { organisationDataKey } from "@/lib/custody/key-material-store";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";

const oldKey = randomBytes(32).toString("base64");
const newKey = randomBytes(32).toString("base64");
let dataDir: string;

// In-process (cli/main.ts on buffers): the command reads its settings and keys from the environment
// when it runs, and opens and closes the database itself (PGlite allows one opener at a time).
const signet = (args: string[], env: Record<string, string>) =>
  runSignetInProcess(args, { DATABASE_URL: "", SIGNET_DATA_DIR: dataDir, ...env });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-rewrap-"));
  const target = { kind: "pglite" as const, dataDir: path.join(dataDir, "pglite") };
  const session = await openSqlSession(target);
  await migrate(session);
  await session.close();
  const database = await openDatabase(target);
  try {
    for (const name of ["One", "Two"]) {
      const org = await database.db.organization.create({ data: { name } });
      await database.db.$transaction(async (tx) =>
        (await organisationDataKey(tx, org.id, new LocalMasterKey(oldKey))).fill(0),
      );
    }
  } finally {
    await database.close();
  }
}, 120_000);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("signet keys rewrap", () => {
  it("re-wraps every data key to the new master key; the old one no longer opens them", async () => {
    const result = await signet(["keys", "rewrap", "--to-key-env", "NEW_MASTER_KEY"], {
      SIGNET_MASTER_KEY: oldKey,
      NEW_MASTER_KEY: newKey,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Re-wrapped 2 data key\(s\) from local:[0-9a-f]{16} to local:[0-9a-f]{16}\./);
    expect(result.stdout + result.stderr).not.toContain(newKey);
    const database = await openDatabase({ kind: "pglite", dataDir: path.join(dataDir, "pglite") });
    try {
      await expect(checkMasterKey(database.db, new LocalMasterKey(newKey))).resolves.toEqual({ dataKeys: 2 });
      await expect(checkMasterKey(database.db, new LocalMasterKey(oldKey))).rejects.toMatchObject({
        code: "master_key.mismatch",
      });
    } finally {
      await database.close();
    }
  });

  it("refuses when the current master key is wrong, and on usage errors", async () => {
    const wrong = await signet(["keys", "rewrap", "--to-key-env", "NEW_MASTER_KEY"], {
      SIGNET_MASTER_KEY: randomBytes(32).toString("base64"),
      NEW_MASTER_KEY: randomBytes(32).toString("base64"),
    });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/could not be unwrapped|not the one/);
    expect((await signet(["keys", "rewrap"], { SIGNET_MASTER_KEY: newKey })).status).toBe(2);
    expect((await signet(["keys", "nonsense"], { SIGNET_MASTER_KEY: newKey })).status).toBe(2);
  });
});
