export { isAeadRecord, openRecord, sealRecord, type RecordBinding } from "./aead-record";
export { AeadRecordError, type AeadRecordErrorCode } from "./aead-record-errors";
export { openLegacyBox } from "./legacy-box";
export { openRecordOrLegacy, type OpenedRecord } from "./open-record-or-legacy";
export { digest } from "./hash";
export { canonicalSpki, describeKeyAlgorithm, keyAlgorithmOf, publicKeyFromSpki, MIN_RSA_BITS, type HashAlgorithm } from "./key-algorithm";
