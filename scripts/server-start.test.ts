import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function runScript(script: string, env: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-start-"));
  try {
    const base = { ...process.env };
    delete base.AUTH_SECRET;
    delete base.DATABASE_URL;
    delete base.SIGNET_MASTER_KEY;
    return spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", script)], {
      cwd: root,
      encoding: "utf8",
      env: { ...base, SIGNET_DATA_DIR: dataDir, SIGNET_LOG_LEVEL: "info", ...env },
      timeout: 60_000,
    });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("the server's start-up (scripts/server.ts)", () => {
  it("stops with a clear message in production on an external database without AUTH_SECRET", () => {
    const result = runScript("server.ts", { NODE_ENV: "production", DATABASE_URL: "postgres://127.0.0.1:1/nothing" });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/Signet cannot start: AUTH_SECRET is not set/);
    expect(result.stdout + result.stderr).not.toMatch(/Signet is listening/);
    // Printed as every line is: JSON, at error level.
    const failure = result.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((line) => line.msg.startsWith("Signet cannot start"));
    expect(failure?.level).toBe(50);
    expect(result.stderr).toBe("");
  });

  it("stops with a clear message in production on an external database without a master key", () => {
    const result = runScript("server.ts", {
      NODE_ENV: "production",
      DATABASE_URL: "postgres://127.0.0.1:1/nothing",
      AUTH_SECRET: "given-by-the-operator-0123456789abcdef",
    });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/Signet cannot start: SIGNET_MASTER_KEY is not set/);
  });

  it("stops on a malformed master key", () => {
    const result = runScript("server.ts", { SIGNET_MASTER_KEY: "too-short" });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(
      /Signet cannot start: SIGNET_MASTER_KEY must be 32 random bytes in base64/,
    );
    expect(result.stdout + result.stderr).not.toContain("too-short");
  });
});

describe("npm run db:migrate", () => {
  it("migrates an embedded database and reports it up to date the second time", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-migrate-"));
    try {
      const env = { ...process.env, SIGNET_DATA_DIR: dataDir, DATABASE_URL: undefined };
      const run = () =>
        spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "db-migrate.ts")], {
          cwd: root,
          encoding: "utf8",
          env,
          timeout: 60_000,
        });
      const first = run();
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/Applied to embedded PostgreSQL/);
      expect(first.stdout).toMatch(/_foundation/);
      const second = run();
      expect(second.stdout).toMatch(/is up to date/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("fails with a message when the database cannot be reached", () => {
    const env = { ...process.env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" };
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "db-migrate.ts")], {
      cwd: root,
      encoding: "utf8",
      env,
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/none: .*ECONNREFUSED.*Check DATABASE_URL/m,
    );
  });
});
