import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  generateSiemSecret,
  openSiemSecret,
  sealSiemSecret,
  siemKeyFromEnvironment,
  siemKeyFromSecret,
  type SiemKey,
} from "@/lib/audit/siem-secret";

const orgA = "0b5e6f3e-8a37-4a0c-9b1e-3f0f3c2a9d10";
const orgB = "6c3f1d9a-2b4e-4f5a-8c7d-1e2f3a4b5c6d";

/** The format written before the AEAD record, by its old algorithm: 0x01 ‖ IV ‖ ciphertext ‖ tag. */
function legacySiemRecord(key: SiemKey, orgId: string, secret: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(`signet-siem-secret:${orgId}`, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(secret, "utf8")), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, ciphertext, cipher.getAuthTag()]);
}

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

  it("are written in the AEAD record format, bound to the organisation's row", () => {
    const sealed = Buffer.from(sealSiemSecret(key, orgA, secret));
    expect(sealed.subarray(0, 5).toString("latin1")).toBe("SGAE\x01");
    expect(() => openSiemSecret(key, orgB, sealed)).toThrow(
      expect.objectContaining({ code: "audit.siem_unreadable", cause: "aead_record.refused" }),
    );
  });

  it("of the legacy format are still read, and refused for another organisation or when altered", () => {
    const legacy = legacySiemRecord(key, orgA, secret);
    expect(openSiemSecret(key, orgA, legacy).toString("utf8")).toBe(secret);
    expect(() => openSiemSecret(key, orgB, legacy)).toThrow(/AUTH_SECRET changed/);
    const tampered = Buffer.from(legacy);
    tampered[20] = (tampered[20] ?? 0) ^ 1;
    expect(() => openSiemSecret(key, orgA, tampered)).toThrow(/AUTH_SECRET changed/);
  });

  it("derive a key distinct from the TOTP key from AUTH_SECRET", async () => {
    const { totpKeyFromSecret } = await import("@/lib/auth/totp/secret-box");
    expect(siemKeyFromSecret("s").key.equals(totpKeyFromSecret("s").key)).toBe(false);
    expect(siemKeyFromEnvironment({ AUTH_SECRET: "s" }).key.equals(siemKeyFromSecret("s").key)).toBe(true);
    expect(() => siemKeyFromEnvironment({})).toThrow(/AUTH_SECRET/);
  });
});
