/**
 * ECDSA signature encodings: raw r‖s (PKCS#11 CKM_ECDSA, WebCrypto) and the DER
 * ECDSA-Sig-Value that CMS carries (SEQUENCE { r INTEGER, s INTEGER }).
 */
import { DerError, Tag, expectTag, readChildren, readSingle, sequence, unsignedInteger } from "@/lib/engine/asn1/der";
import type { EcCurve } from "@/lib/engine/crypto/key-algorithm";

const FIELD_BYTES: Record<EcCurve, number> = { "P-256": 32, "P-384": 48, "P-521": 66 };

export function ecdsaRawToDer(raw: Uint8Array, curve: EcCurve): Uint8Array {
  const n = FIELD_BYTES[curve];
  if (raw.length !== 2 * n) throw new DerError(`A raw ${curve} ECDSA signature is ${2 * n} bytes, not ${raw.length}.`);
  return sequence(unsignedInteger(raw.subarray(0, n)), unsignedInteger(raw.subarray(n)));
}

export function ecdsaDerToRaw(der: Uint8Array, curve: EcCurve): Uint8Array {
  const n = FIELD_BYTES[curve];
  const seq = expectTag(readSingle(der), Tag.SEQUENCE, "ECDSA-Sig-Value");
  const parts = readChildren(seq);
  if (parts.length !== 2) throw new DerError("Malformed ECDSA signature.");
  const out = new Uint8Array(2 * n);
  parts.forEach((part, i) => {
    let value = expectTag(part, Tag.INTEGER, "INTEGER").content;
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    if (value.length > n) throw new DerError("ECDSA signature component is too large for the curve.");
    out.set(value, (i + 1) * n - value.length);
  });
  return out;
}
