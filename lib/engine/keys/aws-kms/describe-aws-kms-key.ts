/**
 * The registration step for a customer's AWS KMS key: DescribeKey must show key
 * usage SIGN_VERIFY, a supported key spec and state Enabled; GetPublicKey gives the
 * SubjectPublicKeyInfo, which must agree with the key spec. What Signet stores is
 * the result's `keyArn`, `region` and `publicKey` (plus the role, if any) — never
 * anything secret. An alias is resolved to the key ARN it names now, so a later
 * change of the alias cannot silently switch keys.
 */
import { DescribeKeyCommand, GetPublicKeyCommand, type KMSClient } from "@aws-sdk/client-kms";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { canonicalSpki, keyAlgorithmOf, publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { createKmsClient, type AwsKmsConnection } from "@/lib/engine/keys/aws-kms/kms-client";
import { kmsCall } from "@/lib/engine/keys/aws-kms/kms-call";
import { keyAlgorithmOfKeySpec, type SupportedKeySpec } from "@/lib/engine/keys/aws-kms/kms-key-spec";
import { checkSigningKey } from "@/lib/engine/keys/aws-kms/kms-key-state";
import { parseKmsKeyReference } from "@/lib/engine/keys/aws-kms/kms-key-reference";
import { kmsError, type KmsErrorContext } from "@/lib/engine/keys/aws-kms/map-kms-error";

export interface AwsKmsKeyInput extends Omit<AwsKmsConnection, "region"> {
  /** Key id, key ARN, alias name (alias/NAME) or alias ARN. */
  keyId: string;
  /** Required unless `keyId` is an ARN. */
  region?: string;
}

export interface AwsKmsKeyDescription {
  /** What to store and sign with: the key ARN. */
  keyArn: string;
  /** KMS's key id (UUID or mrk-…). */
  kmsKeyId: string;
  region: string;
  accountId: string | undefined;
  keySpec: SupportedKeySpec;
  algorithm: KeyAlgorithm;
  /** SubjectPublicKeyInfo, DER (canonical encoding). */
  publicKey: Uint8Array;
  /** The key's own description in KMS, for display. */
  description: string | undefined;
}

export async function describeAwsKmsKey(
  input: AwsKmsKeyInput,
  options: { client?: KMSClient } = {},
): Promise<AwsKmsKeyDescription> {
  const reference = parseKmsKeyReference(input.keyId, input.region);
  const connection: AwsKmsConnection = { ...input, region: reference.region };
  const client = options.client ?? createKmsClient(connection, reference.keyId, "register");
  try {
    const base = {
      keyId: reference.keyId,
      region: reference.region,
      phase: "register" as const,
      roleArn: input.role?.roleArn,
    };
    const described = await kmsCall(connection, { ...base, operation: "DescribeKey" }, (abortSignal) =>
      client.send(new DescribeKeyCommand({ KeyId: reference.keyId }), { abortSignal }),
    );
    const metadata = described.KeyMetadata;
    const keyArn = metadata?.Arn ?? "";
    const context: KmsErrorContext = { ...base, keyId: keyArn || reference.keyId, operation: "DescribeKey" };
    if (!metadata || !keyArn || !metadata.KeyId)
      throw kmsError("kms.unavailable", context, { awsErrorName: "EmptyDescribeKeyResponse" });
    const keySpec = checkSigningKey(metadata, context);

    const got = await kmsCall(connection, { ...context, operation: "GetPublicKey" }, (abortSignal) =>
      client.send(new GetPublicKeyCommand({ KeyId: keyArn }), { abortSignal }),
    );
    const algorithm = keyAlgorithmOfKeySpec(keySpec);
    const spki = got.PublicKey;
    const inconsistent = (): never => {
      throw kmsError(
        "kms.unavailable",
        { ...context, operation: "GetPublicKey" },
        {},
        `AWS KMS returned a public key for ${keyArn} that does not match its key spec ${keySpec}; the key was not registered.`,
      );
    };
    if (!spki || (got.KeySpec !== undefined && got.KeySpec !== keySpec)) return inconsistent();
    let canonical: Uint8Array;
    try {
      canonical = canonicalSpki(spki);
      const actual = keyAlgorithmOf(publicKeyFromSpki(canonical));
      if (JSON.stringify(actual) !== JSON.stringify(algorithm)) inconsistent();
    } catch {
      return inconsistent();
    }
    return {
      keyArn,
      kmsKeyId: metadata.KeyId,
      region: reference.region,
      accountId: metadata.AWSAccountId ?? reference.accountId,
      keySpec,
      algorithm,
      publicKey: canonical,
      description: metadata.Description || undefined,
    };
  } finally {
    if (!options.client) client.destroy();
  }
}
