import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");
// The only modules allowed to touch the tables that hold wrapped data keys and key ciphertext.
const ALLOWED = new Set(["lib/custody/key-material-store.ts"]);

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === "generated" || entry.name === "node_modules" ? [] : sources(relative);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

describe("secret columns (SECURITY.md invariant 3)", () => {
  it("no module but the key material store queries PlatformKeyMaterial or OrgDataKey", () => {
    const offenders = ["lib", "app", "components", "cli", "scripts"]
      .filter((dir) => fs.existsSync(path.join(root, dir)))
      .flatMap(sources)
      .filter((file) => !ALLOWED.has(file))
      .filter((file) =>
        /\.(platformKeyMaterial|orgDataKey)\b|"(PlatformKeyMaterial|OrgDataKey)"/.test(
          fs.readFileSync(path.join(root, file), "utf8"),
        ),
      );
    expect(offenders).toEqual([]);
  });

  it("no module but the audit key store queries AuditSigningKey (its private key column above all)", () => {
    const offenders = ["lib", "app", "components", "cli", "scripts"]
      .filter((dir) => fs.existsSync(path.join(root, dir)))
      .flatMap(sources)
      .filter((file) => file !== "lib/audit/audit-signing-key.ts")
      .filter((file) =>
        /\.auditSigningKey\b|"AuditSigningKey"|privateKeyEncrypted/.test(
          fs.readFileSync(path.join(root, file), "utf8"),
        ),
      );
    expect(offenders).toEqual([]);
  });
});
