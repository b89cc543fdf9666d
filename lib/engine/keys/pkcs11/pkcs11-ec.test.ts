import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { octetString } from "@/lib/engine/asn1/der";
import type { EcCurve } from "@/lib/engine/crypto/key-algorithm";
import { curveOfEcParams, ecParamsOf, uncompressedPoint } from "@/lib/engine/keys/pkcs11/pkcs11-ec";
import { ecSpki, rsaSpki } from "@/lib/engine/keys/pkcs11/pkcs11-public-key";

const NODE_CURVE: Record<EcCurve, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1" };

describe("CKA_EC_PARAMS", () => {
  it("names P-256, P-384 and P-521 by OID, round trip", () => {
    expect(ecParamsOf("P-256").toString("hex")).toBe("06082a8648ce3d030107");
    for (const curve of ["P-256", "P-384", "P-521"] as const)
      expect(curveOfEcParams(ecParamsOf(curve))).toEqual({ curve });
  });

  it("describes curves it does not sign with", () => {
    expect(curveOfEcParams(Buffer.from("06052b8104000a", "hex"))).toEqual({
      curve: undefined,
      description: "the curve secp256k1 (1.3.132.0.10), not P-256, P-384 or P-521",
    });
    expect(curveOfEcParams(Buffer.from("3000", "hex")).curve).toBeUndefined();
    expect(curveOfEcParams(Buffer.from("06", "hex")).curve).toBeUndefined();
  });
});

describe("CKA_EC_POINT → SubjectPublicKeyInfo", () => {
  for (const curve of ["P-256", "P-384", "P-521"] as const) {
    it(`${curve}: reads the DER OCTET STRING form and the bare point, and gives the key's own SPKI`, () => {
      const { publicKey } = generateKeyPairSync("ec", { namedCurve: NODE_CURVE[curve] });
      const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
      const jwk = publicKey.export({ format: "jwk" });
      const point = Buffer.concat([
        Buffer.of(4),
        Buffer.from(jwk.x ?? "", "base64url"),
        Buffer.from(jwk.y ?? "", "base64url"),
      ]);
      expect(Buffer.from(uncompressedPoint(octetString(point), curve) ?? [])).toEqual(point);
      expect(Buffer.from(uncompressedPoint(point, curve) ?? [])).toEqual(point);
      expect(Buffer.from(ecSpki(curve, octetString(point)) ?? [])).toEqual(Buffer.from(spki));
      expect(Buffer.from(ecSpki(curve, point) ?? [])).toEqual(Buffer.from(spki));
    });
  }

  it("refuses a compressed point, a point for another curve and a point not on the curve", () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const jwk = publicKey.export({ format: "jwk" });
    const x = Buffer.from(jwk.x ?? "", "base64url");
    const point = Buffer.concat([Buffer.of(4), x, Buffer.from(jwk.y ?? "", "base64url")]);
    expect(ecSpki("P-256", Buffer.concat([Buffer.of(2), x]))).toBeUndefined();
    expect(ecSpki("P-384", point)).toBeUndefined();
    const off = Buffer.from(point);
    off[64] = (off[64] as number) ^ 1;
    expect(ecSpki("P-256", off)).toBeUndefined();
  });

  it("RSA: CKA_MODULUS and CKA_PUBLIC_EXPONENT (with or without leading zeros) give the key's SPKI", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = publicKey.export({ format: "jwk" });
    const n = Buffer.concat([Buffer.of(0), Buffer.from(jwk.n ?? "", "base64url")]);
    const spki = rsaSpki(n, Buffer.from([1, 0, 1]));
    expect(createPublicKey({ key: Buffer.from(spki ?? []), format: "der", type: "spki" }).equals(publicKey)).toBe(true);
    expect(rsaSpki(Buffer.alloc(0), Buffer.from([1, 0, 1]))).toBeUndefined();
  });
});
