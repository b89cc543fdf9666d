/**
 * TSTInfo (RFC 3161 2.4.2), the content of a timestamp token:
 *   SEQUENCE { version, policy OID, messageImprint, serialNumber INTEGER, genTime GeneralizedTime,
 *              accuracy OPTIONAL, ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL,
 *              tsa [0] GeneralName OPTIONAL, extensions [1] OPTIONAL }
 */
import {
  Tag,
  decodeOid,
  decodeSmallInteger,
  decodeTime,
  expectTag,
  readChildren,
  readSingle,
  toHex,
} from "@/lib/engine/asn1/der";

export interface TstInfo {
  version: number;
  policy: string;
  imprintAlgorithm: string;
  imprint: Uint8Array;
  serialNumberHex: string;
  genTime: Date;
  /** Magnitude bytes of the nonce, leading zeros removed. */
  nonce?: Uint8Array;
}

export function decodeTstInfo(der: Uint8Array): TstInfo {
  const f = readChildren(expectTag(readSingle(der), Tag.SEQUENCE, "TSTInfo"));
  const version = decodeSmallInteger(expectTag(f[0], Tag.INTEGER, "version"));
  const policy = decodeOid(expectTag(f[1], Tag.OID, "policy"));
  const [algorithm, hashed] = readChildren(expectTag(f[2], Tag.SEQUENCE, "messageImprint"));
  const [algorithmId] = readChildren(expectTag(algorithm, Tag.SEQUENCE, "hashAlgorithm"));
  const serial = expectTag(f[3], Tag.INTEGER, "serialNumber");
  const genTime = decodeTime(expectTag(f[4], Tag.GENERALIZED_TIME, "genTime"));
  const nonceEl = f.slice(5).find((el) => el.tag === Tag.INTEGER);
  return {
    version,
    policy,
    imprintAlgorithm: decodeOid(expectTag(algorithmId, Tag.OID, "hash OID")),
    imprint: expectTag(hashed, Tag.OCTET_STRING, "hashedMessage").content,
    serialNumberHex: toHex(serial.content).toUpperCase(),
    genTime,
    nonce: nonceEl ? stripZeros(nonceEl.content) : undefined,
  };
}

export function stripZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}
