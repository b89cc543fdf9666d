/**
 * The local backend: a private key held by this process (a key file given to the
 * CLI, or the key of a PKCS#12 file). It signs the message itself with
 * `crypto.sign(hash, message)`, because node:crypto cannot sign a precomputed
 * ECDSA digest (see ../key-backend.ts); it first checks that the message hashes
 * to the digest the caller announced.
 */
import { createPublicKey, sign, type KeyObject } from "node:crypto";
import type { KeyBackend, SignRequest } from "@/lib/engine/keys/key-backend";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { keyAlgorithmOf } from "@/lib/engine/crypto/key-algorithm";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import { digest, nodeHashName } from "@/lib/engine/crypto/hash";
import { bytesEqual } from "@/lib/engine/asn1/der";
import { loadPrivateKey } from "@/lib/engine/keys/local/load-private-key";

export class LocalKeyBackend implements KeyBackend {
  readonly description: string;
  readonly #key: KeyObject;
  readonly #algorithm: KeyAlgorithm;
  readonly #spki: Uint8Array;

  constructor(privateKey: KeyObject, description = "local key file") {
    if (privateKey.type !== "private") throw new KeyError("key.unreadable", "A private key is required.");
    this.#algorithm = keyAlgorithmOf(privateKey);
    this.#key = privateKey;
    this.#spki = new Uint8Array(createPublicKey(privateKey).export({ type: "spki", format: "der" }));
    this.description = description;
  }

  /** From a PEM or DER private key (PKCS#8, PKCS#1 or SEC1; encrypted PEM/PKCS#8 with a passphrase). */
  static fromKeyFile(
    input: Uint8Array | string,
    options: { passphrase?: string; description?: string } = {},
  ): LocalKeyBackend {
    return new LocalKeyBackend(loadPrivateKey(input, options.passphrase), options.description);
  }

  async keyAlgorithm(): Promise<KeyAlgorithm> {
    return this.#algorithm;
  }

  async publicKey(): Promise<Uint8Array> {
    return this.#spki.slice();
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    const { message, hash } = request;
    if (!bytesEqual(digest(hash, message), request.digest)) {
      throw new KeyError("key.digest_mismatch", "The message to sign does not match its digest; nothing was signed.");
    }
    const key = this.#algorithm.kind === "EC" ? { key: this.#key, dsaEncoding: "der" as const } : this.#key;
    return new Uint8Array(sign(nodeHashName(hash), message, key));
  }
}
