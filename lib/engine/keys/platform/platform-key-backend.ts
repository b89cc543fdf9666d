/**
 * A platform-managed key: its PKCS#8 is stored encrypted under the organisation's data key,
 * which is wrapped by the master key. The plaintext exists only inside `sign`, for one
 * signature: the ciphertext is read, unwrapped and decrypted there, and both the data key and
 * the PKCS#8 buffers are overwritten in `finally`. (The KeyObject node:crypto builds from the
 * plaintext lives in OpenSSL's memory until it is garbage-collected; nothing here keeps it.)
 */
import { createPrivateKey, sign } from "node:crypto";
import { bytesEqual } from "@/lib/engine/asn1/der";
import { digest, nodeHashName } from "@/lib/engine/crypto/hash";
import type { KeyBackend, SignRequest } from "@/lib/engine/keys/key-backend";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import { publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { verifySignature } from "@/lib/engine/crypto/verify-signature";
import { decryptPrivateKey, type KeyContext } from "@/lib/engine/keys/platform/key-envelope";
import type { MasterKey } from "@/lib/engine/keys/platform/master-key";
import { PlatformKeyError } from "@/lib/engine/keys/platform/platform-key-errors";

/** Reads a key's ciphertext and its organisation's wrapped data key: the only query that touches them. */
export interface PlatformKeyMaterialSource {
  load(context: KeyContext): Promise<{ keyBox: Uint8Array; wrappedDataKey: Uint8Array }>;
}

export class PlatformKeyBackend implements KeyBackend {
  readonly description: string;
  readonly #context: KeyContext;
  readonly #spki: Uint8Array;
  readonly #algorithm: KeyAlgorithm;
  readonly #masterKey: MasterKey;
  readonly #material: PlatformKeyMaterialSource;

  constructor(params: {
    context: KeyContext;
    spki: Uint8Array;
    algorithm: KeyAlgorithm;
    masterKey: MasterKey;
    material: PlatformKeyMaterialSource;
    label?: string;
  }) {
    this.#context = params.context;
    this.#spki = params.spki.slice();
    this.#algorithm = params.algorithm;
    this.#masterKey = params.masterKey;
    this.#material = params.material;
    this.description = `platform-managed key${params.label ? ` "${params.label}"` : ""}`;
  }

  async keyAlgorithm(): Promise<KeyAlgorithm> {
    return this.#algorithm;
  }

  async publicKey(): Promise<Uint8Array> {
    return this.#spki.slice();
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    if (!bytesEqual(digest(request.hash, request.message), request.digest)) {
      throw new KeyError("key.digest_mismatch", "The digest handed to the key does not match the message to sign.");
    }
    const { keyBox, wrappedDataKey } = await this.#material.load(this.#context);
    let dataKey: Buffer | undefined;
    let pkcs8: Buffer | undefined;
    let signature: Uint8Array;
    try {
      dataKey = await this.#masterKey.unwrap(wrappedDataKey, { orgId: this.#context.orgId });
      pkcs8 = decryptPrivateKey(keyBox, dataKey, this.#context);
      const key = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
      signature = new Uint8Array(sign(nodeHashName(request.hash), request.message, { key, dsaEncoding: "der" }));
    } finally {
      dataKey?.fill(0);
      pkcs8?.fill(0);
    }
    if (
      !verifySignature({
        publicKey: publicKeyFromSpki(this.#spki),
        message: request.message,
        signature,
        hash: request.hash,
      })
    ) {
      throw new PlatformKeyError(
        "platform_key.signature_invalid",
        "The platform key's signature does not match its recorded public key; the key record may have been altered.",
      );
    }
    return signature;
  }
}
