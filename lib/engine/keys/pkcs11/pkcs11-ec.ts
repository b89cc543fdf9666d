/**
 * Elliptic-curve attributes as PKCS#11 stores them: CKA_EC_PARAMS is the DER of
 * the curve's OID (namedCurve); CKA_EC_POINT is the DER OCTET STRING wrapping the
 * uncompressed point 04‖X‖Y (some tokens return the bare point: both are read).
 */
import { DerError, Tag, decodeOid, oid, readSingle } from "@/lib/engine/asn1/der";
import { OID } from "@/lib/engine/asn1/oids";
import type { EcCurve } from "@/lib/engine/crypto/key-algorithm";

const CURVES: Record<EcCurve, { oid: string; bytes: number }> = {
  "P-256": { oid: OID.secp256r1, bytes: 32 },
  "P-384": { oid: OID.secp384r1, bytes: 48 },
  "P-521": { oid: OID.secp521r1, bytes: 66 },
};

/** Curves seen on tokens that Signet does not sign with, named for error messages. */
const OTHER_CURVES: Record<string, string> = {
  "1.3.132.0.10": "secp256k1",
  "1.2.840.10045.3.1.1": "P-192",
  "1.3.132.0.33": "P-224",
  "1.3.36.3.3.2.8.1.1.7": "brainpoolP256r1",
  "1.3.36.3.3.2.8.1.1.11": "brainpoolP384r1",
  "1.3.36.3.3.2.8.1.1.13": "brainpoolP512r1",
};

/** CKA_EC_PARAMS for a curve. */
export function ecParamsOf(curve: EcCurve): Buffer {
  return Buffer.from(oid(CURVES[curve].oid));
}

export type EcParamsReading = { curve: EcCurve } | { curve: undefined; description: string };

/** The curve CKA_EC_PARAMS names; otherwise what it is, for an error message. */
export function curveOfEcParams(params: Uint8Array): EcParamsReading {
  let dotted: string;
  try {
    const element = readSingle(params);
    if (element.tag !== Tag.OID)
      return { curve: undefined, description: "explicit curve parameters (not a named curve)" };
    dotted = decodeOid(element);
  } catch (error) {
    if (error instanceof DerError) return { curve: undefined, description: "unreadable curve parameters" };
    throw error;
  }
  const curve = (Object.keys(CURVES) as EcCurve[]).find((c) => CURVES[c].oid === dotted);
  if (curve) return { curve };
  const name = OTHER_CURVES[dotted];
  return {
    curve: undefined,
    description: `the curve ${name ? `${name} (${dotted})` : dotted}, not P-256, P-384 or P-521`,
  };
}

export function fieldBytes(curve: EcCurve): number {
  return CURVES[curve].bytes;
}

/** The uncompressed point 04‖X‖Y from CKA_EC_POINT, or undefined if it is not one for this curve. */
export function uncompressedPoint(value: Uint8Array, curve: EcCurve): Uint8Array | undefined {
  const length = 1 + 2 * fieldBytes(curve);
  try {
    const element = readSingle(value);
    if (element.tag === Tag.OCTET_STRING && element.content.length === length && element.content[0] === 0x04)
      return element.content;
  } catch {
    // Not DER: maybe the bare point.
  }
  return value.length === length && value[0] === 0x04 ? value : undefined;
}
