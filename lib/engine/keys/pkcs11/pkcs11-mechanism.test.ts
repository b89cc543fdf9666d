import { describe, expect, it } from "vitest";
import { digestInfo } from "@/lib/engine/crypto/digest-info";
import { digest } from "@/lib/engine/crypto/hash";
import { CKM } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import { chooseSigningMechanism } from "@/lib/engine/keys/pkcs11/pkcs11-mechanism";

const message = new TextEncoder().encode("signed attributes");
const request = { message, digest: digest("SHA-384", message), hash: "SHA-384" as const };
const ALL = new Set<number>(Object.values(CKM));

describe("choosing the PKCS#11 signing mechanism", () => {
  it("RSA: CKM_RSA_PKCS over the DigestInfo when offered, else the hash-and-sign mechanism over the message", () => {
    const rsa = { kind: "RSA" as const, modulusBits: 3072 };
    const raw = chooseSigningMechanism(rsa, "SHA-384", ALL, []);
    expect(raw?.name).toBe("CKM_RSA_PKCS");
    expect(Buffer.from(raw?.input(request) ?? [])).toEqual(Buffer.from(digestInfo(request.digest, "SHA-384")));
    expect(raw?.maxLength).toBe(384);
    const hashed = chooseSigningMechanism(rsa, "SHA-384", ALL, [CKM.SHA384_RSA_PKCS]);
    expect(hashed?.name).toBe("CKM_SHA384_RSA_PKCS");
    expect(hashed?.input(request)).toBe(message);
    expect(chooseSigningMechanism(rsa, "SHA-384", new Set([CKM.SHA256_RSA_PKCS]), [])).toBeUndefined();
  });

  it("EC: CKM_ECDSA over the digest, output converted from raw r‖s to DER", () => {
    const ec = { kind: "EC" as const, curve: "P-256" as const };
    const m = chooseSigningMechanism(ec, "SHA-384", ALL, []);
    expect(m?.name).toBe("CKM_ECDSA");
    expect(m?.input(request)).toBe(request.digest);
    const raw = new Uint8Array(64).fill(1);
    expect(Buffer.from(m?.output(raw) ?? []).toString("hex")).toBe(`30440220${"01".repeat(32)}0220${"01".repeat(32)}`);
    expect(() => m?.output(new Uint8Array(63))).toThrow();
    expect(chooseSigningMechanism(ec, "SHA-512", new Set([CKM.ECDSA_SHA512]), [])?.name).toBe("CKM_ECDSA_SHA512");
  });
});
