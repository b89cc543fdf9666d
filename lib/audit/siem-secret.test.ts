import { describe, expect, it } from "vitest";
import { generateSiemSecret, openSiemSecret, sealSiemSecret, siemKeyFromEnvironment, siemKeyFromSecret } from "./siem-secret";

const orgA = "0b5e6f3e-8a37-4a0c-9b1e-3f0f3c2a9d10";
const orgB = "6c3f1d9a-2b4e-4f5a-8c7d-1e2f3a4b5c6d";

describe("SIEM secrets at rest", () => {
  const key = siemKeyFromSecret("an auth secret for tests");
  const secret = generateSiemSecret();

  it("round-trip with a fresh IV each time and no plaintext in the ciphertext", () => {
    const one = sealSiemSecret(key, orgA, secret);
    const two = sealSiemSecret(key, orgA, secret);
    expect(Buffer.from(one).equals(Buffer.from(two))).toBe(false);
    expect(Buffer.from(one).includes(Buffer.from(secret))).toBe(false);
    expect(openSiemSecret(key, orgA, one).toString("utf8")).toBe(secret);
  });

  it("do not open for another organisation, under another AUTH_SECRET, or tampered with; the error holds no secret", () => {
    const sealed = sealSiemSecret(key, orgA, secret);
    expect(() => openSiemSecret(key, orgB, sealed)).toThrow(/AUTH_SECRET changed/);
    expect(() => openSiemSecret(siemKeyFromSecret("another"), orgA, sealed)).toThrow(/AUTH_SECRET changed/);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    try {
      openSiemSecret(key, orgA, tampered);
      expect.unreachable();
    } catch (error) {
      expect(JSON.stringify(error) + String(error)).not.toContain(secret);
    }
  });

  it("derive a key distinct from the TOTP key from AUTH_SECRET", async () => {
    const { totpKeyFromSecret } = await import("../auth/totp/secret-box");
    expect(siemKeyFromSecret("s").key.equals(totpKeyFromSecret("s").key)).toBe(false);
    expect(siemKeyFromEnvironment({ AUTH_SECRET: "s" }).key.equals(siemKeyFromSecret("s").key)).toBe(true);
    expect(() => siemKeyFromEnvironment({})).toThrow(/AUTH_SECRET/);
  });
});
