/**
 * SubjectPublicKeyInfo from the public components PKCS#11 exposes: CKA_MODULUS
 * and CKA_PUBLIC_EXPONENT (RSA), the curve and CKA_EC_POINT (EC). Built through a
 * JWK import so that node:crypto checks the key (an EC point must lie on the
 * curve) and re-encodes it canonically.
 */
import { createPublicKey } from "node:crypto";
import type { EcCurve } from "@/lib/engine/crypto/key-algorithm";
import { fieldBytes, uncompressedPoint } from "@/lib/engine/keys/pkcs11/pkcs11-ec";

function base64url(bytes: Uint8Array): string {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  return Buffer.from(bytes.subarray(start)).toString("base64url");
}

/** undefined when the components do not make a valid key. */
export function rsaSpki(modulus: Uint8Array, publicExponent: Uint8Array): Uint8Array | undefined {
  if (!modulus.some((b) => b !== 0) || !publicExponent.some((b) => b !== 0)) return undefined;
  try {
    const key = createPublicKey({
      key: { kty: "RSA", n: base64url(modulus), e: base64url(publicExponent) },
      format: "jwk",
    });
    return new Uint8Array(key.export({ type: "spki", format: "der" }));
  } catch {
    return undefined;
  }
}

/** undefined when CKA_EC_POINT is not an uncompressed point of `curve`. */
export function ecSpki(curve: EcCurve, ecPoint: Uint8Array): Uint8Array | undefined {
  const point = uncompressedPoint(ecPoint, curve);
  if (!point) return undefined;
  const n = fieldBytes(curve);
  const x = Buffer.from(point.subarray(1, 1 + n)).toString("base64url");
  const y = Buffer.from(point.subarray(1 + n)).toString("base64url");
  try {
    const key = createPublicKey({ key: { kty: "EC", crv: curve, x, y }, format: "jwk" });
    return new Uint8Array(key.export({ type: "spki", format: "der" }));
  } catch {
    return undefined;
  }
}
