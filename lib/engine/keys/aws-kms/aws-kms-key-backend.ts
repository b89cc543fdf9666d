/**
 * KeyBackend over a customer's AWS KMS key (BYO KMS). Only a reference (key ARN,
 * region, optional role) and the public key registered with it are held; the
 * private key never leaves KMS.
 *
 * sign(): KMS `Sign` with MessageType DIGEST over `request.digest`, as AWS
 * documents it: KMS skips the hashing step and signs the given digest, whose length
 * must be that of the SigningAlgorithm's hash (RSASSA_PKCS1_V1_5_SHA_256/384/512,
 * or the one ECDSA_SHA_* of an ECC key). The result is the same as signing
 * `request.message` with RAW (KMS hashes up to 4096 bytes itself), but DIGEST
 * has no size limit and sends KMS only a hash. RSA comes back as PKCS#1 v1.5,
 * ECDSA as a DER ECDSA-Sig-Value, which is what KeyBackend promises. Every
 * signature is verified locally against the registered public key before it is
 * returned: a key swapped behind the reference, or a faulty answer, is refused.
 */
import { DescribeKeyCommand, SignCommand, type KMSClient } from "@aws-sdk/client-kms";
import type { KeyObject } from "node:crypto";
import { bytesEqual } from "@/lib/engine/asn1/der";
import type { KeyBackend, SignRequest } from "@/lib/engine/keys/key-backend";
import type { HashAlgorithm, KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import {
  canonicalSpki,
  describeKeyAlgorithm,
  keyAlgorithmOf,
  publicKeyFromSpki,
} from "@/lib/engine/crypto/key-algorithm";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import { digest as hashBytes } from "@/lib/engine/crypto/hash";
import { verifySignature } from "@/lib/engine/crypto/verify-signature";
import { createKmsClient, type AwsKmsConnection } from "@/lib/engine/keys/aws-kms/kms-client";
import { kmsCall } from "@/lib/engine/keys/aws-kms/kms-call";
import { KmsError } from "@/lib/engine/keys/aws-kms/kms-errors";
import { kmsHashesFor, kmsSigningAlgorithm } from "@/lib/engine/keys/aws-kms/kms-key-spec";
import { keyStateError } from "@/lib/engine/keys/aws-kms/kms-key-state";
import { parseKmsKeyReference } from "@/lib/engine/keys/aws-kms/kms-key-reference";
import { describeAwsKmsKey, type AwsKmsKeyInput } from "@/lib/engine/keys/aws-kms/describe-aws-kms-key";
import { kmsError, type KmsErrorContext } from "@/lib/engine/keys/aws-kms/map-kms-error";

export interface AwsKmsKeyBackendOptions extends Omit<AwsKmsConnection, "region"> {
  /** The key ARN stored at registration (a key id or alias works too, with a region). */
  keyId: string;
  /** Required unless `keyId` is an ARN. */
  region?: string;
  /** SubjectPublicKeyInfo (DER) stored at registration: every signature is checked against it. */
  publicKey: Uint8Array;
}

export class AwsKmsKeyBackend implements KeyBackend {
  readonly description: string;
  readonly keyId: string;
  readonly region: string;
  readonly #connection: AwsKmsConnection;
  readonly #roleArn: string | undefined;
  readonly #spki: Uint8Array;
  readonly #publicKey: KeyObject;
  readonly #algorithm: KeyAlgorithm;
  readonly #client: KMSClient;

  constructor(options: AwsKmsKeyBackendOptions) {
    const reference = parseKmsKeyReference(options.keyId, options.region);
    this.keyId = reference.keyId;
    this.region = reference.region;
    this.#connection = { ...options, region: reference.region };
    this.#roleArn = options.role?.roleArn;
    this.#spki = canonicalSpki(options.publicKey);
    this.#publicKey = publicKeyFromSpki(this.#spki);
    this.#algorithm = keyAlgorithmOf(this.#publicKey);
    if (this.#algorithm.kind === "RSA" && ![2048, 3072, 4096].includes(this.#algorithm.modulusBits)) {
      throw new KeyError(
        "key.unsupported_algorithm",
        `AWS KMS has no RSA ${this.#algorithm.modulusBits} signing keys; this public key cannot be a KMS key.`,
      );
    }
    this.description = `AWS KMS key ${this.keyId} (${this.region})`;
    this.#client = createKmsClient(this.#connection, this.keyId, "use");
  }

  /** Describes the key (as at registration) and returns a backend for it: for the CLI, where nothing is stored. */
  static async connect(input: AwsKmsKeyInput): Promise<AwsKmsKeyBackend> {
    const described = await describeAwsKmsKey(input);
    return new AwsKmsKeyBackend({
      ...input,
      keyId: described.keyArn,
      region: described.region,
      publicKey: described.publicKey,
    });
  }

  async keyAlgorithm(): Promise<KeyAlgorithm> {
    return this.#algorithm;
  }

  async publicKey(): Promise<Uint8Array> {
    return this.#spki.slice();
  }

  /** The hashes this key can sign with through KMS (an ECC key has exactly one). */
  supportedHashes(): HashAlgorithm[] {
    return kmsHashesFor(this.#algorithm);
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    const { message, digest, hash } = request;
    if (!bytesEqual(hashBytes(hash, message), digest)) {
      throw new KeyError("key.digest_mismatch", "The message to sign does not match its digest; nothing was signed.");
    }
    const context: KmsErrorContext = {
      keyId: this.keyId,
      region: this.region,
      operation: "Sign",
      phase: "use",
      roleArn: this.#roleArn,
    };
    const signingAlgorithm = kmsSigningAlgorithm(this.#algorithm, hash);
    if (!signingAlgorithm) {
      throw kmsError(
        "kms.unsupported_hash",
        context,
        {},
        `The AWS KMS key ${this.keyId} (${describeKeyAlgorithm(this.#algorithm)}) signs only ${this.supportedHashes().join(", ")} digests, not ${hash}; nothing was signed.`,
      );
    }

    let output;
    try {
      output = await kmsCall(this.#connection, context, (abortSignal) =>
        this.#client.send(
          new SignCommand({
            KeyId: this.keyId,
            Message: digest,
            MessageType: "DIGEST",
            SigningAlgorithm: signingAlgorithm,
          }),
          {
            abortSignal,
          },
        ),
      );
    } catch (error) {
      throw error instanceof KmsError && error.awsErrorName === "KMSInvalidStateException"
        ? await this.#explainState(error, context)
        : error;
    }

    const signature = output.Signature;
    if (!signature || (output.SigningAlgorithm !== undefined && output.SigningAlgorithm !== signingAlgorithm)) {
      throw this.#badSignature(context);
    }
    if (!verifySignature({ publicKey: this.#publicKey, message, signature, hash })) throw this.#badSignature(context);
    return new Uint8Array(signature);
  }

  /** KeyBackend.close: releases the client's sockets. */
  async close(): Promise<void> {
    this.destroy();
  }

  /** Closes the client's sockets. */
  destroy(): void {
    this.#client.destroy();
  }

  #badSignature(context: KmsErrorContext): KmsError {
    return kmsError(
      "kms.signature_invalid",
      context,
      {},
      `The signature AWS KMS returned for the key ${this.keyId} does not verify with the public key registered for it; nothing was signed. ` +
        "The key behind this reference may have changed (for instance imported key material was replaced), or the answer was corrupted. " +
        "Check the key in AWS KMS and register it again if it was replaced.",
    );
  }

  /** KMSInvalidStateException does not say which state: ask DescribeKey (allowed on disabled and pending-deletion keys). */
  async #explainState(original: KmsError, context: KmsErrorContext): Promise<KmsError> {
    try {
      const described = await kmsCall(this.#connection, { ...context, operation: "DescribeKey" }, (abortSignal) =>
        this.#client.send(new DescribeKeyCommand({ KeyId: this.keyId }), { abortSignal }),
      );
      return (described.KeyMetadata && keyStateError(described.KeyMetadata, context)) ?? original;
    } catch {
      return original;
    }
  }
}
