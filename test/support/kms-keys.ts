/**
 * The keys of the test KMS: real key pairs made with node:crypto, with the
 * metadata DescribeKey/GetPublicKey report, and Sign as AWS documents it:
 *   - MessageType RAW (the default): KMS hashes Message (at most 4096 bytes) with
 *     the SigningAlgorithm's hash, then signs;
 *   - MessageType DIGEST: Message is the digest, signed as is; its length must be
 *     the hash's length.
 * RSA PKCS#1 v1.5 over a digest signs the DigestInfo (crypto.privateEncrypt); ECDSA
 * over a digest uses kms-ecdsa.ts. Failures are thrown as KmsFault (__type + message).
 */
import { constants, createHash, generateKeyPairSync, privateEncrypt, randomUUID, sign, type KeyObject } from "node:crypto";
import { digestInfo } from "@/lib/keys/digest-info";
import type { EcCurve, HashAlgorithm } from "@/lib/keys/key-backend";
import { prehashEcdsaKey, signDigestEcdsa, type PrehashEcdsaKey } from "./kms-ecdsa";

export type TestKmsKeySpec = "RSA_2048" | "RSA_3072" | "RSA_4096" | "ECC_NIST_P256" | "ECC_NIST_P384" | "ECC_NIST_P521" | "ECC_SECG_P256K1";
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

export interface TestKmsKey {
  keyId: string;
  arn: string;
  spec: TestKmsKeySpec;
  usage: TestKmsKeyUsage;
  description: string;
  aliases: string[];
  createdAt: Date;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
  mode: TestKmsMode;
  /** For "slow": delay of each answer. */
  delayMs: number;
  /** For "throttled": how many requests are still throttled (then the key answers normally). */
  throttleRemaining: number;
  deletionDate?: Date;
  /** Lazily made impostor key for "wrong_signature". */
  impostor?: TestKmsKey;
  prehash?: PrehashEcdsaKey;
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
  return ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"];
}

const CURVE: Partial<Record<TestKmsKeySpec, { node: string; curve?: EcCurve }>> = {
  ECC_NIST_P256: { node: "P-256", curve: "P-256" },
  ECC_NIST_P384: { node: "P-384", curve: "P-384" },
  ECC_NIST_P521: { node: "P-521", curve: "P-521" },
  ECC_SECG_P256K1: { node: "secp256k1" },
};

const HASH_LENGTH: Record<HashAlgorithm, number> = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };

export function signingAlgorithmsOf(key: TestKmsKey): string[] {
  return key.usage === "SIGN_VERIFY" ? SIGNING_ALGORITHMS[key.spec] : [];
}

export function createTestKmsKey(params: {
  spec: TestKmsKeySpec;
  usage?: TestKmsKeyUsage;
  region: string;
  accountId: string;
  description?: string;
}): TestKmsKey {
  const ec = CURVE[params.spec];
  const pair = ec
    ? generateKeyPairSync("ec", { namedCurve: ec.node })
    : generateKeyPairSync("rsa", { modulusLength: Number(params.spec.slice(4)) });
  const keyId = randomUUID();
  return {
    keyId,
    arn: `arn:aws:kms:${params.region}:${params.accountId}:key/${keyId}`,
    spec: params.spec,
    usage: params.usage ?? "SIGN_VERIFY",
    description: params.description ?? `test ${params.spec} key`,
    aliases: [],
    createdAt: new Date(),
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    spki: new Uint8Array(pair.publicKey.export({ type: "spki", format: "der" })),
    mode: "ok",
    delayMs: 2_000,
    throttleRemaining: Number.POSITIVE_INFINITY,
    prehash: ec?.curve ? prehashEcdsaKey(pair.privateKey, ec.curve) : undefined,
  };
}

function hashOf(algorithm: string): HashAlgorithm {
  const bits = algorithm.slice(-3);
  return `SHA-${bits}` as HashAlgorithm;
}

/** KMS Sign. */
export function kmsSign(key: TestKmsKey, algorithm: string, messageType: string, message: Uint8Array): Uint8Array {
  if (key.usage !== "SIGN_VERIFY") {
    throw new KmsFault("InvalidKeyUsageException", `${key.arn} key usage is ${key.usage} which is not valid for Sign.`);
  }
  if (!SIGNING_ALGORITHMS[key.spec].includes(algorithm)) {
    throw new KmsFault("InvalidKeyUsageException", `Signing algorithm ${algorithm} is not valid for the key spec ${key.spec} of ${key.arn}.`);
  }
  if (messageType !== "RAW" && messageType !== "DIGEST") {
    throw new KmsFault("ValidationException", `1 validation error detected: Value '${messageType}' at 'messageType' failed to satisfy constraint: Member must satisfy enum value set: [RAW, DIGEST, EXTERNAL_MU]`);
  }
  if (message.length > 4096) {
    throw new KmsFault("ValidationException", "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096");
  }
  const hash = hashOf(algorithm);
  const nodeHash = hash.replace("-", "").toLowerCase();
  if (messageType === "DIGEST" && message.length !== HASH_LENGTH[hash]) {
    throw new KmsFault("ValidationException", `Digest is invalid length for algorithm ${algorithm}.`);
  }
  const digest = messageType === "DIGEST" ? message : new Uint8Array(createHash(nodeHash).update(message).digest());

  if (algorithm.startsWith("RSASSA_PKCS1_V1_5")) {
    return new Uint8Array(privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo(digest, hash)));
  }
  if (algorithm.startsWith("RSASSA_PSS") && messageType === "RAW") {
    return new Uint8Array(sign(nodeHash, message, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LENGTH[hash] }));
  }
  if (algorithm.startsWith("ECDSA") && key.prehash) return signDigestEcdsa(key.prehash, digest);
  if (algorithm.startsWith("ECDSA") && messageType === "RAW") return new Uint8Array(sign(nodeHash, message, { key: key.privateKey, dsaEncoding: "der" }));
  throw new KmsFault("UnsupportedOperationException", `The test KMS does not implement ${algorithm} with MessageType ${messageType}.`);
}
