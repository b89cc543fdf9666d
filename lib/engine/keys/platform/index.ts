export {
  DEFAULT_PLATFORM_KEY_ALGORITHM,
  PLATFORM_KEY_ALGORITHMS,
  generatePlatformKey,
  type PlatformKeyAlgorithm,
} from "@/lib/engine/keys/platform/generate-platform-key";
export { encryptPrivateKey, reencryptLegacyPrivateKey, type KeyContext } from "@/lib/engine/keys/platform/key-envelope";
export { LEGACY_PLATFORM_KEY_FORMAT } from "@/lib/engine/keys/platform/legacy-key-envelope";
export { LEGACY_DATA_KEY_FORMAT } from "@/lib/engine/keys/platform/legacy-wrapped-data-key";
export { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
export { type DataKeyContext, type MasterKey } from "@/lib/engine/keys/platform/master-key";
export { PlatformKeyBackend, type PlatformKeyMaterialSource } from "@/lib/engine/keys/platform/platform-key-backend";
export { PlatformKeyError, type PlatformKeyErrorCode } from "@/lib/engine/keys/platform/platform-key-errors";
