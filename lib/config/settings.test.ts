import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readSettings } from "@/lib/config/settings";

describe("SIGNET_PUBLIC_URL's default", () => {
  it("follows PORT, so stamp and invitation links reach the server people started", () => {
    expect(readSettings({ PORT: "8080" }).publicUrl).toBe("http://localhost:8080");
    expect(readSettings({}).publicUrl).toBe("http://localhost:3000");
    expect(readSettings({ PORT: "" }).publicUrl).toBe("http://localhost:3000");
  });

  it("is only a default: a configured address wins whatever the port", () => {
    expect(readSettings({ PORT: "8080", SIGNET_PUBLIC_URL: "https://sign.example.com/" }).publicUrl).toBe(
      "https://sign.example.com",
    );
  });
});

describe("DATABASE_URL_FILE", () => {
  it("gives the database URL from a mounted file when DATABASE_URL is unset, and names a missing file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-settings-"));
    try {
      const file = path.join(dir, "database_url");
      fs.writeFileSync(file, "postgres://signet:pw@postgres:5432/signet\n");
      expect(readSettings({ DATABASE_URL_FILE: file }).databaseUrl).toBe("postgres://signet:pw@postgres:5432/signet");
      expect(readSettings({ DATABASE_URL_FILE: file, DATABASE_URL: "postgres://other/db" }).databaseUrl).toBe(
        "postgres://other/db",
      );
      expect(() => readSettings({ DATABASE_URL_FILE: `${file}.missing` })).toThrow(/DATABASE_URL_FILE points at/);
      fs.writeFileSync(file, "mysql://nope\n");
      expect(() => readSettings({ DATABASE_URL_FILE: file })).toThrow(/must be a postgres/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SIGNET_METRICS_TOKEN", () => {
  it("is off when unset or empty, and refused when too short, without repeating the value", () => {
    expect(readSettings({}).metricsToken).toBeUndefined();
    expect(readSettings({ SIGNET_METRICS_TOKEN: "" }).metricsToken).toBeUndefined();
    expect(readSettings({ SIGNET_METRICS_TOKEN: "a-scraper-token-of-32-characters" }).metricsToken).toBe(
      "a-scraper-token-of-32-characters",
    );
    expect(() => readSettings({ SIGNET_METRICS_TOKEN: "short-tok" })).toThrow(
      "Configuration error in SIGNET_METRICS_TOKEN: must be at least 16 characters.",
    );
    expect(() => readSettings({ SIGNET_METRICS_TOKEN: "short-tok" })).not.toThrow(/short-tok/);
  });
});
