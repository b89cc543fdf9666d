import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { systemTrustStore } from "@/cli/system-trust-store";

describe("systemTrustStore", () => {
  it("reads the bundle SSL_CERT_FILE names, skipping blocks it cannot parse", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signet-trust-"));
    const bundle = path.join(dir, "bundle.pem");
    const [first, second] = tls.rootCertificates;
    fs.writeFileSync(bundle, `${first}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${second}\n`);
    const store = systemTrustStore({ SSL_CERT_FILE: bundle });
    expect(store.source).toBe(bundle);
    expect(store.certificates).toHaveLength(2);
    fs.rmSync(dir, { recursive: true });
  });

  it("falls back to Node's bundled roots when no bundle can be read", () => {
    const store = systemTrustStore({ SSL_CERT_FILE: "/nonexistent/bundle.pem" });
    expect(store.source).toBe("node");
    expect(store.description).toMatch(/Node\.js/);
    expect(store.certificates.length).toBeGreaterThan(100);
  });

  it("finds the distribution's bundle without SSL_CERT_FILE", () => {
    const store = systemTrustStore({});
    expect(store.source).toBe(
      fs.existsSync("/etc/ssl/certs/ca-certificates.crt") ? "/etc/ssl/certs/ca-certificates.crt" : "node",
    );
    expect(store.certificates.length).toBeGreaterThan(100);
  });
});
