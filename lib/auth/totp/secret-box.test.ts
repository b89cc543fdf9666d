import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openTotpSecret, sealTotpSecret, totpKeyFromEnvironment, totpKeyFromSecret } from "./secret-box";
import { TotpError } from "./totp-errors";

const userA = "0b5e6f3e-8a37-4a0c-9b1e-3f0f3c2a9d10";
const userB = "6c3f1d9a-2b4e-4f5a-8c7d-1e2f3a4b5c6d";

describe("TOTP secrets at rest", () => {
  const key = totpKeyFromSecret("an auth secret for tests");
  const secret = randomBytes(20);

  it("round-trips, with a fresh IV each time and no plaintext in the ciphertext", () => {
    const one = sealTotpSecret(key, userA, secret);
    const two = sealTotpSecret(key, userA, secret);
    expect(Buffer.from(one).equals(Buffer.from(two))).toBe(false);
    expect(Buffer.from(one).includes(secret)).toBe(false);
    expect(openTotpSecret(key, userA, one).equals(secret)).toBe(true);
  });

  it("does not open for another user (copied row), under another AUTH_SECRET, or when tampered with", () => {
    const sealed = sealTotpSecret(key, userA, secret);
    expect(() => openTotpSecret(key, userB, sealed)).toThrow(TotpError);
    expect(() => openTotpSecret(totpKeyFromSecret("another auth secret"), userA, sealed)).toThrow(TotpError);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => openTotpSecret(key, userA, tampered)).toThrow(TotpError);
  });

  it("derives the key with HKDF from AUTH_SECRET: the same secret gives the same key", () => {
    const sealed = sealTotpSecret(totpKeyFromEnvironment({ AUTH_SECRET: "s3cret" }), userA, secret);
    expect(openTotpSecret(totpKeyFromSecret("s3cret"), userA, sealed).equals(secret)).toBe(true);
    expect(() => totpKeyFromEnvironment({})).toThrow(/AUTH_SECRET/);
  });
});
