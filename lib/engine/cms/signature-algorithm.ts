/**
 * The CMS signatureAlgorithm for a key and hash, and the reverse mapping for the
 * verifier. RSA uses sha*WithRSAEncryption (NULL parameters, RFC 4055), as pyHanko
 * does; validators (pyHanko, EU DSS, Acrobat, OpenSSL, poppler) also accept plain
 * rsaEncryption, which the verifier therefore accepts too. ECDSA uses
 * ecdsa-with-SHA* with absent parameters (RFC 5758).
 */
import { derNull, oid, sequence } from "@/lib/engine/asn1/der";
import { OID } from "@/lib/engine/asn1/oids";
import type { HashAlgorithm, KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";

const RSA: Record<HashAlgorithm, string> = {
  "SHA-256": OID.sha256WithRSAEncryption,
  "SHA-384": OID.sha384WithRSAEncryption,
  "SHA-512": OID.sha512WithRSAEncryption,
};
const ECDSA: Record<HashAlgorithm, string> = {
  "SHA-256": OID.ecdsaWithSHA256,
  "SHA-384": OID.ecdsaWithSHA384,
  "SHA-512": OID.ecdsaWithSHA512,
};

export function signatureAlgorithmIdentifier(key: KeyAlgorithm, hash: HashAlgorithm): Uint8Array {
  return key.kind === "RSA" ? sequence(oid(RSA[hash]), derNull()) : sequence(oid(ECDSA[hash]));
}

/** What a signatureAlgorithm OID means; `hash` is undefined for rsaEncryption (the digest algorithm decides). */
export function describeSignatureAlgorithm(
  algorithmOid: string,
): { kind: "RSA" | "EC"; hash?: HashAlgorithm } | undefined {
  if (algorithmOid === OID.rsaEncryption) return { kind: "RSA" };
  for (const hash of Object.keys(RSA) as HashAlgorithm[]) {
    if (RSA[hash] === algorithmOid) return { kind: "RSA", hash };
    if (ECDSA[hash] === algorithmOid) return { kind: "EC", hash };
  }
  if (algorithmOid === OID.ecPublicKey) return { kind: "EC" };
  return undefined;
}

export function hashAlgorithmIdentifier(hashOid: string): Uint8Array {
  // RFC 5754: parameters absent for the SHA-2 family.
  return sequence(oid(hashOid));
}
