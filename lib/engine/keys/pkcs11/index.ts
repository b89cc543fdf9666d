export { Pkcs11KeyBackend, type Pkcs11KeyBackendOptions, type Pkcs11KeyIdentity } from "./pkcs11-key-backend";
export {
  generatePkcs11Key,
  type GeneratePkcs11KeyOptions,
  type GeneratedPkcs11Key,
  type Pkcs11KeyGenAlgorithm,
  type Pkcs11KeyProtection,
} from "./generate-pkcs11-key";
export { Pkcs11Error, type Pkcs11ErrorCode, type Pkcs11ErrorDetails } from "./pkcs11-errors";
export { parseKeyReference, parseKeyId, type Pkcs11KeyReference, type Pkcs11TokenReference } from "./pkcs11-reference";
