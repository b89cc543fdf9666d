/**
 * DigestInfo (PKCS#1 v1.5, RFC 8017 9.2): what an RSA key signs when it is given a
 * precomputed digest (PKCS#11 CKM_RSA_PKCS, or crypto.privateEncrypt with
 * RSA_PKCS1_PADDING). `crypto.sign(null, digestInfo, rsaKey)` is NOT equivalent:
 * it hashes its input first.
 */
import { derNull, octetString, oid, sequence } from "@/lib/engine/asn1/der";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digestLength, hashOid } from "@/lib/engine/crypto/hash";
import { KeyError } from "@/lib/engine/crypto/key-errors";

export function digestInfo(digest: Uint8Array, hash: HashAlgorithm): Uint8Array {
  if (digest.length !== digestLength(hash)) {
    throw new KeyError("key.digest_mismatch", `A ${hash} digest is ${digestLength(hash)} bytes, not ${digest.length}.`);
  }
  return sequence(sequence(oid(hashOid(hash)), derNull()), octetString(digest));
}
