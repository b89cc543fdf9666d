export {
  Pkcs11KeyBackend,
  type Pkcs11KeyBackendOptions,
  type Pkcs11KeyIdentity,
} from "@/lib/engine/keys/pkcs11/pkcs11-key-backend";
export {
  generatePkcs11Key,
  type GeneratePkcs11KeyOptions,
  type GeneratedPkcs11Key,
  type Pkcs11KeyGenAlgorithm,
  type Pkcs11KeyProtection,
} from "@/lib/engine/keys/pkcs11/generate-pkcs11-key";
export { Pkcs11Error, type Pkcs11ErrorCode, type Pkcs11ErrorDetails } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
export {
  parseKeyReference,
  parseKeyId,
  type Pkcs11KeyReference,
  type Pkcs11TokenReference,
} from "@/lib/engine/keys/pkcs11/pkcs11-reference";
