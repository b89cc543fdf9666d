export { isAeadRecord, openRecord, sealRecord, type RecordBinding } from "@/lib/engine/crypto/aead-record";
export { AeadRecordError, type AeadRecordErrorCode } from "@/lib/engine/crypto/aead-record-errors";
export { openLegacyBox } from "@/lib/engine/crypto/legacy-box";
export { openRecordOrLegacy, type OpenedRecord } from "@/lib/engine/crypto/open-record-or-legacy";
export { digest } from "@/lib/engine/crypto/hash";
export {
  canonicalSpki,
  describeKeyAlgorithm,
  keyAlgorithmOf,
  publicKeyFromSpki,
  MIN_RSA_BITS,
  type HashAlgorithm,
} from "@/lib/engine/crypto/key-algorithm";
