import { generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ecdsaDerToRaw, ecdsaRawToDer } from "@/lib/engine/crypto/ecdsa-signature";
import type { EcCurve } from "@/lib/engine/crypto/key-algorithm";

describe("ECDSA signature encodings", () => {
  for (const curve of ["P-256", "P-384", "P-521"] as EcCurve[]) {
    it(`round-trips raw r‖s and DER for ${curve}, matching node:crypto's ieee-p1363 form`, () => {
      const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
      const data = new TextEncoder().encode("data");
      for (let i = 0; i < 20; i++) {
        const raw = new Uint8Array(sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" }));
        const der = ecdsaRawToDer(raw, curve);
        expect(verify("sha256", data, { key: publicKey, dsaEncoding: "der" }, der)).toBe(true);
        expect(Buffer.from(ecdsaDerToRaw(der, curve))).toEqual(Buffer.from(raw));
      }
    });
  }

  it("rejects raw signatures of the wrong size and malformed DER", () => {
    expect(() => ecdsaRawToDer(new Uint8Array(63), "P-256")).toThrow(
      expect.objectContaining({ code: "der.malformed" }),
    );
    expect(() => ecdsaDerToRaw(Uint8Array.of(0x30, 0x02, 0x02, 0x00), "P-256")).toThrow(
      expect.objectContaining({ code: "der.malformed" }),
    );
  });
});
