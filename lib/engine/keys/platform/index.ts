export { DEFAULT_PLATFORM_KEY_ALGORITHM, PLATFORM_KEY_ALGORITHMS, generatePlatformKey, type PlatformKeyAlgorithm } from "./generate-platform-key";
export { encryptPrivateKey, type KeyContext } from "./key-envelope";
export { LocalMasterKey } from "./local-master-key";
export { type DataKeyContext, type MasterKey } from "./master-key";
export { PlatformKeyBackend, type PlatformKeyMaterialSource } from "./platform-key-backend";
export { PlatformKeyError, type PlatformKeyErrorCode } from "./platform-key-errors";
