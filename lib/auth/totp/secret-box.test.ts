import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  openTotpSecret,
  sealTotpSecret,
  totpKeyFromEnvironment,
  totpKeyFromSecret,
  type TotpKey,
} from "@/lib/auth/totp/secret-box";
import { TotpError } from "@/lib/auth/totp/totp-errors";

const userA = "0b5e6f3e-8a37-4a0c-9b1e-3f0f3c2a9d10";
const userB = "6c3f1d9a-2b4e-4f5a-8c7d-1e2f3a4b5c6d";

/** The format written before the AEAD record, by its old algorithm: 0x01 ‖ IV ‖ tag ‖ ciphertext. */
function legacyTotpRecord(key: TotpKey, userId: string, secret: Uint8Array): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(`signet-totp:${userId}`, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), ciphertext]);
}

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

  it("writes the AEAD record format, bound to the user's TotpFactor row", () => {
    const sealed = Buffer.from(sealTotpSecret(key, userA, secret));
    expect(sealed.subarray(0, 5).toString("latin1")).toBe("SGAE\x01");
    try {
      openTotpSecret(key, userB, sealed);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "totp.unreadable", cause: "aead_record.refused" });
    }
  });

  it("still reads a record of the legacy format, and refuses one copied onto another user or altered", () => {
    const legacy = legacyTotpRecord(key, userA, secret);
    expect(openTotpSecret(key, userA, legacy).equals(secret)).toBe(true);
    expect(() => openTotpSecret(key, userB, legacy)).toThrow(TotpError);
    const tampered = Buffer.from(legacy);
    tampered[20] = (tampered[20] ?? 0) ^ 1;
    expect(() => openTotpSecret(key, userA, tampered)).toThrow(TotpError);
  });

  it("derives the key with HKDF from AUTH_SECRET: the same secret gives the same key", () => {
    const sealed = sealTotpSecret(totpKeyFromEnvironment({ AUTH_SECRET: "s3cret" }), userA, secret);
    expect(openTotpSecret(totpKeyFromSecret("s3cret"), userA, sealed).equals(secret)).toBe(true);
    expect(() => totpKeyFromEnvironment({})).toThrow(/AUTH_SECRET/);
  });
});
