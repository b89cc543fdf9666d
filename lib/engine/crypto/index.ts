export { openBox, sealBox } from "./aes-gcm";
export { digest } from "./hash";
export { canonicalSpki, describeKeyAlgorithm, keyAlgorithmOf, publicKeyFromSpki, type HashAlgorithm } from "./key-algorithm";
