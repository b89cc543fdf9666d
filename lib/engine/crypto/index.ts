export { isAeadRecord, openRecord, sealRecord, type RecordBinding } from "./aead-record";
export { AeadRecordError, type AeadRecordErrorCode } from "./aead-record-errors";
export { openBox, sealBox } from "./aes-gcm";
export { digest } from "./hash";
export { canonicalSpki, describeKeyAlgorithm, keyAlgorithmOf, publicKeyFromSpki, MIN_RSA_BITS, type HashAlgorithm } from "./key-algorithm";
