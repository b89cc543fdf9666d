/**
 * The keys of the test KMS: real key pairs made with node:crypto (and, for
 * SYMMETRIC_DEFAULT, a random 256-bit AES key), with the metadata
 * DescribeKey/GetPublicKey report, and Sign as AWS documents it:
 *   - MessageType RAW (the default): KMS hashes Message (at most 4096 bytes) with
 *     the SigningAlgorithm's hash, then signs;
 *   - MessageType DIGEST: Message is the digest, signed as is; its length must be
 *     the hash's length.
 * RSA PKCS#1 v1.5 over a digest signs the DigestInfo (crypto.privateEncrypt); ECDSA
 * over a digest uses kms-ecdsa.ts.
 *
 * A SYMMETRIC_DEFAULT key encrypts (Encrypt, GenerateDataKey) and decrypts with
 * AES-256-GCM. As with real KMS, the CiphertextBlob is opaque to the caller but
 * names the key that made it, so Decrypt works without a KeyId, and a KeyId naming
 * another key is refused (IncorrectKeyException). The EncryptionContext is bound as
 * additional authenticated data (order of its pairs does not matter, case does): a
 * different context, like an altered blob, fails with InvalidCiphertextException.
 *
 * Failures are thrown as KmsFault (__type + message).
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  generateKeyPairSync,
  privateEncrypt,
  randomBytes,
  randomUUID,
  sign,
  type KeyObject,
} from "node:crypto";
import { digestInfo } from "@/lib/engine/crypto/digest-info";
import type { EcCurve, HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { prehashEcdsaKey, signDigestEcdsa, type PrehashEcdsaKey } from "@/test/support/kms-ecdsa";

export type TestKmsKeySpec =
  "RSA_2048" | "RSA_3072" | "RSA_4096" | "ECC_NIST_P256" | "ECC_NIST_P384" | "ECC_NIST_P521" | "ECC_SECG_P256K1";
export type AnyTestKmsKeySpec = TestKmsKeySpec | "SYMMETRIC_DEFAULT";
export type TestKmsKeyUsage = "SIGN_VERIFY" | "ENCRYPT_DECRYPT";

/** How a key misbehaves. Disabled and pending deletion are key states, the rest are faults of the service or the policy. */
export type TestKmsMode =
  | "ok"
  | "access_denied" // every operation: the principal lost all access
  | "sign_denied" // kms:Sign only (DescribeKey/GetPublicKey still allowed)
  | "disabled"
  | "pending_deletion"
  | "not_found" // the key was deleted
  | "throttled"
  | "slow"
  | "wrong_signature"; // Sign answers with a signature of another key

export class KmsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface TestKmsKeyBase {
  keyId: string;
  arn: string;
  usage: TestKmsKeyUsage;
  description: string;
  aliases: string[];
  createdAt: Date;
  mode: TestKmsMode;
  /** For "slow": delay of each answer. */
  delayMs: number;
  /** For "throttled": how many requests are still throttled (then the key answers normally). */
  throttleRemaining: number;
  deletionDate?: Date;
}

export interface TestKmsKey extends TestKmsKeyBase {
  spec: TestKmsKeySpec;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
  /** Lazily made impostor key for "wrong_signature". */
  impostor?: TestKmsKey;
  prehash?: PrehashEcdsaKey;
}

/** A symmetric encryption key (KMS's default key type): 256-bit AES, usable only inside the test KMS. */
export interface SymmetricTestKmsKey extends TestKmsKeyBase {
  spec: "SYMMETRIC_DEFAULT";
  usage: "ENCRYPT_DECRYPT";
  /** The AES-256 key material. */
  secret: Buffer;
}

export type AnyTestKmsKey = TestKmsKey | SymmetricTestKmsKey;

export function isSymmetricTestKmsKey(key: AnyTestKmsKey): key is SymmetricTestKmsKey {
  return key.spec === "SYMMETRIC_DEFAULT";
}

const SIGNING_ALGORITHMS: Record<TestKmsKeySpec, string[]> = {
  RSA_2048: rsaAlgorithms(),
  RSA_3072: rsaAlgorithms(),
  RSA_4096: rsaAlgorithms(),
  ECC_NIST_P256: ["ECDSA_SHA_256"],
  ECC_NIST_P384: ["ECDSA_SHA_384"],
  ECC_NIST_P521: ["ECDSA_SHA_512"],
  ECC_SECG_P256K1: ["ECDSA_SHA_256"],
};

function rsaAlgorithms(): string[] {
  return [
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
  ];
}

const CURVE: Partial<Record<TestKmsKeySpec, { node: string; curve?: EcCurve }>> = {
  ECC_NIST_P256: { node: "P-256", curve: "P-256" },
  ECC_NIST_P384: { node: "P-384", curve: "P-384" },
  ECC_NIST_P521: { node: "P-521", curve: "P-521" },
  ECC_SECG_P256K1: { node: "secp256k1" },
};

const HASH_LENGTH: Record<HashAlgorithm, number> = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };

export function signingAlgorithmsOf(key: AnyTestKmsKey): string[] {
  return key.usage === "SIGN_VERIFY" && !isSymmetricTestKmsKey(key) ? SIGNING_ALGORITHMS[key.spec] : [];
}

export interface TestKmsKeyParams<Spec extends AnyTestKmsKeySpec = AnyTestKmsKeySpec> {
  spec: Spec;
  /** Default SIGN_VERIFY for asymmetric keys; a SYMMETRIC_DEFAULT key is always ENCRYPT_DECRYPT. */
  usage?: TestKmsKeyUsage;
  region: string;
  accountId: string;
  description?: string;
}

export function createTestKmsKey(params: TestKmsKeyParams<"SYMMETRIC_DEFAULT">): SymmetricTestKmsKey;
export function createTestKmsKey(params: TestKmsKeyParams<TestKmsKeySpec>): TestKmsKey;
export function createTestKmsKey(params: TestKmsKeyParams): AnyTestKmsKey;
export function createTestKmsKey(params: TestKmsKeyParams): AnyTestKmsKey {
  const keyId = randomUUID();
  const common = {
    keyId,
    arn: `arn:aws:kms:${params.region}:${params.accountId}:key/${keyId}`,
    description: params.description ?? `test ${params.spec} key`,
    aliases: [],
    createdAt: new Date(),
    mode: "ok" as const,
    delayMs: 2_000,
    throttleRemaining: Number.POSITIVE_INFINITY,
  };
  const spec = params.spec;
  if (spec === "SYMMETRIC_DEFAULT") {
    if (params.usage !== undefined && params.usage !== "ENCRYPT_DECRYPT") {
      throw new KmsFault(
        "ValidationException",
        `KeyUsage ${params.usage} is not compatible with KeySpec SYMMETRIC_DEFAULT.`,
      );
    }
    return { ...common, spec, usage: "ENCRYPT_DECRYPT", secret: randomBytes(32) };
  }
  const ec = CURVE[spec];
  const pair = ec
    ? generateKeyPairSync("ec", { namedCurve: ec.node })
    : generateKeyPairSync("rsa", { modulusLength: Number(spec.slice(4)) });
  return {
    ...common,
    spec,
    usage: params.usage ?? "SIGN_VERIFY",
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    spki: new Uint8Array(pair.publicKey.export({ type: "spki", format: "der" })),
    prehash: ec?.curve ? prehashEcdsaKey(pair.privateKey, ec.curve) : undefined,
  };
}

function hashOf(algorithm: string): HashAlgorithm {
  const bits = algorithm.slice(-3);
  return `SHA-${bits}` as HashAlgorithm;
}

/** KMS Sign. */
export function kmsSign(key: AnyTestKmsKey, algorithm: string, messageType: string, message: Uint8Array): Uint8Array {
  if (key.usage !== "SIGN_VERIFY" || isSymmetricTestKmsKey(key)) {
    throw new KmsFault("InvalidKeyUsageException", `${key.arn} key usage is ${key.usage} which is not valid for Sign.`);
  }
  if (!SIGNING_ALGORITHMS[key.spec].includes(algorithm)) {
    throw new KmsFault(
      "InvalidKeyUsageException",
      `Signing algorithm ${algorithm} is not valid for the key spec ${key.spec} of ${key.arn}.`,
    );
  }
  if (messageType !== "RAW" && messageType !== "DIGEST") {
    throw new KmsFault(
      "ValidationException",
      `1 validation error detected: Value '${messageType}' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [RAW, DIGEST, EXTERNAL_MU]`,
    );
  }
  if (message.length > 4096) {
    throw new KmsFault(
      "ValidationException",
      "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
  }
  const hash = hashOf(algorithm);
  const nodeHash = hash.replace("-", "").toLowerCase();
  if (messageType === "DIGEST" && message.length !== HASH_LENGTH[hash]) {
    throw new KmsFault("ValidationException", `Digest is invalid length for algorithm ${algorithm}.`);
  }
  const digest = messageType === "DIGEST" ? message : new Uint8Array(createHash(nodeHash).update(message).digest());

  if (algorithm.startsWith("RSASSA_PKCS1_V1_5")) {
    return new Uint8Array(
      privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo(digest, hash)),
    );
  }
  if (algorithm.startsWith("RSASSA_PSS") && messageType === "RAW") {
    return new Uint8Array(
      sign(nodeHash, message, {
        key: key.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: HASH_LENGTH[hash],
      }),
    );
  }
  if (algorithm.startsWith("ECDSA") && key.prehash) return signDigestEcdsa(key.prehash, digest);
  if (algorithm.startsWith("ECDSA") && messageType === "RAW")
    return new Uint8Array(sign(nodeHash, message, { key: key.privateKey, dsaEncoding: "der" }));
  throw new KmsFault(
    "UnsupportedOperationException",
    `The test KMS does not implement ${algorithm} with MessageType ${messageType}.`,
  );
}

// --- Symmetric encryption ---------------------------------------------------------

export type EncryptionContext = Record<string, string>;

/** Blob layout: version (1) ‖ key id length (1) ‖ key id (UTF-8) ‖ IV (12) ‖ ciphertext ‖ tag (16). */
const BLOB_VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_PLAINTEXT = 4096;

function invalidCiphertext(): KmsFault {
  return new KmsFault(
    "InvalidCiphertextException",
    "The ciphertext is invalid, or the encryption context does not match the one it was encrypted with.",
  );
}

/** Refuses a key that cannot encrypt or decrypt symmetrically, as KMS does. */
function symmetricKey(key: AnyTestKmsKey, operation: string, algorithm: string | undefined): SymmetricTestKmsKey {
  if (key.usage !== "ENCRYPT_DECRYPT") {
    throw new KmsFault(
      "InvalidKeyUsageException",
      `${key.arn} key usage is ${key.usage} which is not valid for ${operation}.`,
    );
  }
  if (!isSymmetricTestKmsKey(key)) {
    if (operation === "GenerateDataKey")
      throw new KmsFault("InvalidKeyUsageException", `${key.arn} key spec ${key.spec} is not valid for ${operation}.`);
    if (algorithm?.startsWith("RSAES_"))
      throw new KmsFault(
        "UnsupportedOperationException",
        `The test KMS does not implement ${operation} with ${algorithm}.`,
      );
    throw new KmsFault(
      "InvalidKeyUsageException",
      `Algorithm ${algorithm ?? "SYMMETRIC_DEFAULT"} is incompatible with key spec ${key.spec}.`,
    );
  }
  if (algorithm !== undefined && algorithm !== "SYMMETRIC_DEFAULT") {
    throw new KmsFault(
      "InvalidKeyUsageException",
      `Algorithm ${algorithm} is incompatible with key spec SYMMETRIC_DEFAULT.`,
    );
  }
  return key;
}

function blobHeader(keyId: string): Buffer {
  const id = Buffer.from(keyId, "utf8");
  return Buffer.concat([Buffer.from([BLOB_VERSION, id.length]), id]);
}

/** What the ciphertext is bound to: its header (the key) and the context, canonically ordered. */
function additionalData(header: Uint8Array, context: EncryptionContext): Buffer {
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.concat([header, Buffer.from(JSON.stringify(pairs), "utf8")]);
}

function sealSymmetric(key: SymmetricTestKmsKey, plaintext: Uint8Array, context: EncryptionContext): Uint8Array {
  const header = blobHeader(key.keyId);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.secret, iv);
  cipher.setAAD(additionalData(header, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([header, iv, body, cipher.getAuthTag()]));
}

/** The id of the key a CiphertextBlob says it was made by (what KMS reads when Decrypt has no KeyId). */
export function ciphertextKeyId(blob: Uint8Array): string {
  if (blob.length < 2 || blob[0] !== BLOB_VERSION) throw invalidCiphertext();
  const idLength = blob[1] ?? 0;
  if (blob.length < 2 + idLength + IV_BYTES + TAG_BYTES) throw invalidCiphertext();
  return Buffer.from(blob.subarray(2, 2 + idLength)).toString("utf8");
}

/** KMS Encrypt (symmetric): at most 4096 bytes of plaintext. */
export function kmsEncrypt(
  key: AnyTestKmsKey,
  plaintext: Uint8Array,
  context: EncryptionContext,
  algorithm?: string,
): Uint8Array {
  const symmetric = symmetricKey(key, "Encrypt", algorithm);
  if (plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT) {
    throw new KmsFault(
      "ValidationException",
      `1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and ${MAX_PLAINTEXT}`,
    );
  }
  return sealSymmetric(symmetric, plaintext, context);
}

/** KMS Decrypt (symmetric): `key` is the one the request named (KeyId), or the one the blob names. */
export function kmsDecrypt(
  key: AnyTestKmsKey,
  blob: Uint8Array,
  context: EncryptionContext,
  algorithm?: string,
): Uint8Array {
  const symmetric = symmetricKey(key, "Decrypt", algorithm);
  if (ciphertextKeyId(blob) !== symmetric.keyId) {
    throw new KmsFault(
      "IncorrectKeyException",
      "The key ID in the request does not identify a KMS key that can perform this operation.",
    );
  }
  const headerLength = 2 + (blob[1] ?? 0);
  const iv = blob.subarray(headerLength, headerLength + IV_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", symmetric.secret, iv);
    decipher.setAAD(additionalData(blob.subarray(0, headerLength), context));
    decipher.setAuthTag(tag);
    return new Uint8Array(
      Buffer.concat([
        decipher.update(blob.subarray(headerLength + IV_BYTES, blob.length - TAG_BYTES)),
        decipher.final(),
      ]),
    );
  } catch {
    throw invalidCiphertext();
  }
}

const DATA_KEY_SPEC_BYTES: Record<string, number> = { AES_128: 16, AES_256: 32 };

/** KMS GenerateDataKey: exactly one of KeySpec (AES_128, AES_256) and NumberOfBytes (1–1024). */
export function kmsGenerateDataKey(
  key: AnyTestKmsKey,
  request: { keySpec?: string; numberOfBytes?: number },
  context: EncryptionContext,
): { plaintext: Uint8Array; ciphertext: Uint8Array } {
  const symmetric = symmetricKey(key, "GenerateDataKey", undefined);
  const { keySpec, numberOfBytes } = request;
  if ((keySpec === undefined) === (numberOfBytes === undefined)) {
    throw new KmsFault("ValidationException", "Please specify either number of bytes or key spec.");
  }
  let length: number;
  if (keySpec !== undefined) {
    const bytes = DATA_KEY_SPEC_BYTES[keySpec];
    if (bytes === undefined) {
      throw new KmsFault(
        "ValidationException",
        `1 validation error detected: Value '${keySpec}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`,
      );
    }
    length = bytes;
  } else {
    length = numberOfBytes ?? 0;
    if (!Number.isInteger(length) || length < 1 || length > 1024) {
      throw new KmsFault(
        "ValidationException",
        `1 validation error detected: Value '${String(numberOfBytes)}' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024`,
      );
    }
  }
  const plaintext = new Uint8Array(randomBytes(length));
  return { plaintext, ciphertext: sealSymmetric(symmetric, plaintext, context) };
}
