export { DEFAULT_PLATFORM_KEY_ALGORITHM, PLATFORM_KEY_ALGORITHMS, generatePlatformKey, type PlatformKeyAlgorithm } from "./generate-platform-key";
export { encryptPrivateKey, reencryptLegacyPrivateKey, type KeyContext } from "./key-envelope";
export { LEGACY_PLATFORM_KEY_FORMAT } from "./legacy-key-envelope";
export { LEGACY_DATA_KEY_FORMAT } from "./legacy-wrapped-data-key";
export { LocalMasterKey } from "./local-master-key";
export { type DataKeyContext, type MasterKey } from "./master-key";
export { PlatformKeyBackend, type PlatformKeyMaterialSource } from "./platform-key-backend";
export { PlatformKeyError, type PlatformKeyErrorCode } from "./platform-key-errors";
