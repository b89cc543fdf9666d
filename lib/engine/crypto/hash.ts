/** The hash algorithms a seal may use: names for node:crypto, OIDs, lengths. */
import { createHash } from "node:crypto";
import { OID } from "@/lib/engine/asn1/oids";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";

const TABLE: Record<HashAlgorithm, { node: string; oid: string; length: number }> = {
  "SHA-256": { node: "sha256", oid: OID.sha256, length: 32 },
  "SHA-384": { node: "sha384", oid: OID.sha384, length: 48 },
  "SHA-512": { node: "sha512", oid: OID.sha512, length: 64 },
};

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ["SHA-256", "SHA-384", "SHA-512"];

export function nodeHashName(hash: HashAlgorithm): string {
  return TABLE[hash].node;
}

export function hashOid(hash: HashAlgorithm): string {
  return TABLE[hash].oid;
}

export function digestLength(hash: HashAlgorithm): number {
  return TABLE[hash].length;
}

export function hashFromOid(oid: string): HashAlgorithm | undefined {
  return HASH_ALGORITHMS.find((h) => TABLE[h].oid === oid);
}

export function digest(hash: HashAlgorithm, ...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash(TABLE[hash].node);
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
}
