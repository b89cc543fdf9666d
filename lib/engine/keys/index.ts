/**
 * lib/engine/keys: the KeyBackend contract, and KeyBackendError that every backend's
 * failures extend. Each backend is its own surface
 * (keys/local, keys/platform, keys/aws-kms, keys/pkcs11), so a process loads only
 * the SDK or native binding of the custody it uses.
 */
export type { KeyBackend, SignRequest } from "@/lib/engine/keys/key-backend";
export { KeyBackendError, type KeyBackendKind } from "@/lib/engine/keys/key-backend-error";
