/** Small helpers shared by the PKCS#11 tests. */
import { createPublicKey, randomBytes, verify } from "node:crypto";
import type { SignRequest } from "@/lib/engine/keys/key-backend";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digest, nodeHashName } from "@/lib/engine/crypto/hash";

/** A request as lib/cms makes one: random "signed attributes" and their digest. */
export function testSignRequest(hash: HashAlgorithm, size = 200): SignRequest {
  const message = new Uint8Array(randomBytes(size));
  return { message, digest: digest(hash, message), hash };
}

/** Independent check with node:crypto: RSA PKCS#1 v1.5, or ECDSA with a DER signature. */
export function verifiesWith(spki: Uint8Array, request: SignRequest, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  const options = key.asymmetricKeyType === "ec" ? { key, dsaEncoding: "der" as const } : key;
  return verify(nodeHashName(request.hash), request.message, options, signature);
}
