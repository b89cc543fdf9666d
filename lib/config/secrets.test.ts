import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "@/lib/config/config-error";
import { AUTH_SECRET, resolveSecret } from "@/lib/config/secrets";
import { readSettings } from "@/lib/config/settings";

const dirs: string[] = [];
function settingsWith(env: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-secrets-"));
  dirs.push(dataDir);
  return readSettings({ SIGNET_DATA_DIR: dataDir, ...env });
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("resolveSecret", () => {
  it("prefers the environment and writes nothing", () => {
    const settings = settingsWith({});
    expect(resolveSecret(AUTH_SECRET, settings, { AUTH_SECRET: "from-env" })).toMatchObject({
      value: "from-env",
      source: "environment",
      generated: false,
    });
    expect(fs.existsSync(path.join(settings.dataDir, "secrets"))).toBe(false);
  });

  it("generates a 32-byte secret once, mode 0600, and reads the same one afterwards", () => {
    const settings = settingsWith({});
    const first = resolveSecret(AUTH_SECRET, settings, {});
    expect(first.generated).toBe(true);
    expect(Buffer.from(first.value, "base64")).toHaveLength(32);
    expect(fs.statSync(first.file!).mode & 0o777).toBe(0o600);
    const second = resolveSecret(AUTH_SECRET, settings, {});
    expect(second).toMatchObject({ value: first.value, generated: false });
  });

  it("refuses a secret file other users can read", () => {
    const settings = settingsWith({});
    const { file } = resolveSecret(AUTH_SECRET, settings, {});
    fs.chmodSync(file!, 0o644);
    expect(() => resolveSecret(AUTH_SECRET, settings, {})).toThrow(/readable by other users/);
  });

  it("reads a file named by AUTH_SECRET_FILE (a mounted container secret), and names a missing or empty one", () => {
    const settings = settingsWith({ NODE_ENV: "production", DATABASE_URL: "postgres://db.example/signet" });
    const file = path.join(settings.dataDir, "mounted-secret");
    fs.writeFileSync(file, "from-a-mounted-file\n");
    expect(resolveSecret(AUTH_SECRET, settings, { AUTH_SECRET_FILE: file })).toMatchObject({
      value: "from-a-mounted-file",
      source: "file",
      generated: false,
    });
    expect(() => resolveSecret(AUTH_SECRET, settings, { AUTH_SECRET_FILE: `${file}.missing` })).toThrow(
      /AUTH_SECRET_FILE points at .*missing, which does not exist/,
    );
    fs.writeFileSync(file, "\n");
    expect(() => resolveSecret(AUTH_SECRET, settings, { AUTH_SECRET_FILE: file })).toThrow(/which is empty/);
    expect(fs.existsSync(path.join(settings.dataDir, "secrets"))).toBe(false);
  });

  it("stops production on an external database instead of generating", () => {
    const settings = settingsWith({ NODE_ENV: "production", DATABASE_URL: "postgres://db.example/signet" });
    expect(() => resolveSecret(AUTH_SECRET, settings, {})).toThrow(ConfigError);
    expect(() => resolveSecret(AUTH_SECRET, settings, {})).toThrow(/AUTH_SECRET is not set/);
    expect(fs.existsSync(path.join(settings.dataDir, "secrets"))).toBe(false);
  });
});

describe("readSettings", () => {
  it("names the variable that is wrong", () => {
    expect(() => readSettings({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => readSettings({ PORT: "99999" })).toThrow(/PORT/);
  });
});
