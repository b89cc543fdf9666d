/**
 * RFC 3161 TimeStampReq:
 *   SEQUENCE { version 1, messageImprint { hashAlgorithm, hashedMessage },
 *              nonce INTEGER, certReq TRUE }
 * The hash AlgorithmIdentifier carries NULL parameters, as openssl ts -query and
 * most clients send (some TSAs reject the absent form).
 */
import { randomBytes } from "node:crypto";
import { booleanTrue, derNull, octetString, oid, sequence, smallInteger, unsignedInteger } from "@/lib/engine/asn1/der";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { hashOid } from "@/lib/engine/crypto/hash";

export interface TimestampRequest {
  der: Uint8Array;
  /** Unsigned big-endian magnitude of the nonce. */
  nonce: Uint8Array;
}

export function buildTimestampRequest(
  messageImprint: Uint8Array,
  hash: HashAlgorithm,
  nonce = randomNonce(),
): TimestampRequest {
  const der = sequence(
    smallInteger(1),
    sequence(sequence(oid(hashOid(hash)), derNull()), octetString(messageImprint)),
    unsignedInteger(nonce),
    booleanTrue(),
  );
  return { der, nonce };
}

/** 64 random bits, never starting with a zero byte (so encodings compare simply). */
export function randomNonce(): Uint8Array {
  const nonce = new Uint8Array(randomBytes(8));
  nonce[0] = ((nonce[0] as number) & 0x7f) | 0x01;
  return nonce;
}
