/**
 * Timestamper: the witness of a seal. It returns an RFC 3161 TimeStampToken (DER
 * ContentInfo) over `messageImprint`, already checked (imprint, nonce, TSA
 * signature) by the implementation.
 */
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";

export interface Timestamper {
  timestamp(messageImprint: Uint8Array, hash: HashAlgorithm): Promise<Uint8Array>;
}
