/**
 * Checks a signature made by a KeyBackend against a public key, with node:crypto.
 * Used before any signature is embedded (lib/cms) and by the verifier.
 */
import { verify, type KeyObject } from "node:crypto";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { nodeHashName } from "@/lib/engine/crypto/hash";

export function verifySignature(params: {
  publicKey: KeyObject;
  message: Uint8Array;
  signature: Uint8Array;
  hash: HashAlgorithm;
}): boolean {
  const { publicKey, message, signature, hash } = params;
  try {
    const key = publicKey.asymmetricKeyType === "ec" ? { key: publicKey, dsaEncoding: "der" as const } : publicKey;
    return verify(nodeHashName(hash), message, key, signature);
  } catch {
    return false;
  }
}
