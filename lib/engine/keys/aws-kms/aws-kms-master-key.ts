/**
 * The master key as an AWS KMS key: a symmetric encryption key (key spec
 * SYMMETRIC_DEFAULT, key usage ENCRYPT_DECRYPT) that never leaves KMS. A data key
 * comes from GenerateDataKey (AES_256), is re-wrapped with Encrypt, and is
 * unwrapped with Decrypt; every call names the key ARN and carries the encryption
 * context { "signet:org": <organisation id> }, which KMS binds to the ciphertext:
 * a wrapped data key copied onto another organisation, or made by another key, does
 * not decrypt (master_key.mismatch). The context also appears in CloudTrail, and a
 * key policy can require it (kms:EncryptionContextKeys).
 *
 * Connection options (region, endpoint, credentials, assumed role, timeouts) and
 * the mapping of SDK failures to typed KmsErrors are those of the BYO-KMS signing
 * backend (../aws-kms); only the messages differ: they say that the platform's
 * master key, and so every platform-managed key, is affected. Plaintext key
 * material never appears in an error: errors carry AWS's error name and message
 * and the key ARN, nothing of the request.
 */
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  type KeyMetadata,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { createKmsClient, kmsTimeouts, type AwsKmsConnection } from "@/lib/engine/keys/aws-kms/kms-client";
import { kmsCall } from "@/lib/engine/keys/aws-kms/kms-call";
import { KmsError, type KmsErrorCode, type KmsOperation } from "@/lib/engine/keys/aws-kms/kms-errors";
import { parseKmsKeyReference } from "@/lib/engine/keys/aws-kms/kms-key-reference";
import { keyStateError } from "@/lib/engine/keys/aws-kms/kms-key-state";
import type { DataKeyContext, MasterKey } from "@/lib/engine/keys/platform/master-key";
import { PlatformKeyError } from "@/lib/engine/keys/platform/platform-key-errors";

export interface AwsKmsMasterKeyInput extends Omit<AwsKmsConnection, "region"> {
  /** Key id, key ARN, alias name (alias/NAME) or alias ARN. An alias is resolved once, at connect(). */
  keyId: string;
  /** Required unless `keyId` is an ARN. */
  region?: string;
}

/** The KMS operations the master key makes. */
export type MasterKeyOperation = "DescribeKey" | "GenerateDataKey" | "Encrypt" | "Decrypt";

const DATA_KEY_BYTES = 32;

/** The encryption context every data key is bound to. */
export function dataKeyEncryptionContext(context: DataKeyContext): Record<string, string> {
  return { "signet:org": context.orgId };
}

interface Target {
  /** The key ARN once known; the reference as given before. */
  keyId: string;
  region: string;
  connection: AwsKmsConnection;
  roleArn: string | undefined;
}

export class AwsKmsMasterKey implements MasterKey {
  /** `aws-kms:<key ARN>`: stored with every wrapped data key. */
  readonly id: string;
  readonly description: string;
  readonly keyArn: string;
  readonly region: string;
  readonly #target: Target;
  readonly #client: KMSClient;

  private constructor(target: Target, client: KMSClient) {
    this.#target = target;
    this.#client = client;
    this.keyArn = target.keyId;
    this.region = target.region;
    this.id = `aws-kms:${target.keyId}`;
    this.description = `AWS KMS master key ${target.keyId}`;
  }

  /**
   * Resolves the key (DescribeKey, once) and checks it can be the master key:
   * ENCRYPT_DECRYPT, SYMMETRIC_DEFAULT, Enabled. Throws a KmsError otherwise.
   */
  static async connect(input: AwsKmsMasterKeyInput): Promise<AwsKmsMasterKey> {
    const reference = parseKmsKeyReference(input.keyId, input.region);
    const connection: AwsKmsConnection = { ...input, region: reference.region };
    const target: Target = {
      keyId: reference.keyId,
      region: reference.region,
      connection,
      roleArn: input.role?.roleArn,
    };
    const client = createKmsClient(connection, reference.keyId, "use");
    try {
      const described = await masterKeyCall(target, "DescribeKey", (abortSignal) =>
        client.send(new DescribeKeyCommand({ KeyId: reference.keyId }), { abortSignal }),
      );
      const metadata = described.KeyMetadata;
      if (!metadata?.Arn)
        throw masterKeyError("kms.unavailable", target, "DescribeKey", { said: "an empty DescribeKey answer" });
      const resolved: Target = { ...target, keyId: metadata.Arn };
      checkMasterKey(metadata, resolved);
      return new AwsKmsMasterKey(resolved, client);
    } catch (error) {
      client.destroy();
      throw error;
    }
  }

  async generateDataKey(context: DataKeyContext): Promise<{ plaintext: Buffer; wrapped: Uint8Array }> {
    const output = await this.#call("GenerateDataKey", (abortSignal) =>
      this.#client.send(
        new GenerateDataKeyCommand({
          KeyId: this.keyArn,
          KeySpec: "AES_256",
          EncryptionContext: dataKeyEncryptionContext(context),
        }),
        {
          abortSignal,
        },
      ),
    );
    const received = output.Plaintext;
    try {
      if (
        !received ||
        received.length !== DATA_KEY_BYTES ||
        !output.CiphertextBlob?.length ||
        !this.#sameKey(output.KeyId)
      ) {
        throw masterKeyError("kms.unavailable", this.#target, "GenerateDataKey", {
          said: "an answer without a 256-bit data key and its ciphertext from this key",
        });
      }
      return { plaintext: Buffer.from(received), wrapped: new Uint8Array(output.CiphertextBlob) };
    } finally {
      received?.fill(0);
    }
  }

  async wrap(dataKey: Uint8Array, context: DataKeyContext): Promise<Uint8Array> {
    if (dataKey.length !== DATA_KEY_BYTES) throw new RangeError("A data key is 32 bytes.");
    const output = await this.#call("Encrypt", (abortSignal) =>
      this.#client.send(
        new EncryptCommand({
          KeyId: this.keyArn,
          Plaintext: dataKey,
          EncryptionContext: dataKeyEncryptionContext(context),
          EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
        }),
        { abortSignal },
      ),
    );
    if (!output.CiphertextBlob?.length || !this.#sameKey(output.KeyId)) {
      throw masterKeyError("kms.unavailable", this.#target, "Encrypt", {
        said: "an answer without a ciphertext from this key",
      });
    }
    return new Uint8Array(output.CiphertextBlob);
  }

  async unwrap(wrapped: Uint8Array, context: DataKeyContext): Promise<Buffer> {
    let output;
    try {
      output = await this.#call("Decrypt", (abortSignal) =>
        this.#client.send(
          new DecryptCommand({
            KeyId: this.keyArn,
            CiphertextBlob: wrapped,
            EncryptionContext: dataKeyEncryptionContext(context),
            EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      if (
        error instanceof KmsError &&
        (error.awsErrorName === "InvalidCiphertextException" || error.awsErrorName === "IncorrectKeyException")
      ) {
        throw this.#mismatch(error.cause);
      }
      throw error;
    }
    const received = output.Plaintext;
    try {
      if (!received || received.length !== DATA_KEY_BYTES || !this.#sameKey(output.KeyId))
        throw this.#mismatch(undefined);
      return Buffer.from(received);
    } finally {
      received?.fill(0);
    }
  }

  /** Closes the client's sockets. */
  destroy(): void {
    this.#client.destroy();
  }

  #sameKey(answered: string | undefined): boolean {
    return answered === undefined || answered === this.keyArn;
  }

  #mismatch(cause: unknown): PlatformKeyError {
    return new PlatformKeyError(
      "master_key.mismatch",
      `A data key could not be unwrapped with the AWS KMS master key ${this.keyArn}: it was wrapped with another key or for another organisation, or the record was altered.`,
      { cause },
    );
  }

  async #call<T>(
    operation: Exclude<MasterKeyOperation, "DescribeKey">,
    run: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    try {
      return await masterKeyCall(this.#target, operation, run);
    } catch (error) {
      throw error instanceof KmsError && error.awsErrorName === "KMSInvalidStateException"
        ? await this.#explainState(error, operation)
        : error;
    }
  }

  /** KMSInvalidStateException does not say which state: ask DescribeKey (allowed on disabled and pending-deletion keys). */
  async #explainState(original: KmsError, operation: MasterKeyOperation): Promise<KmsError> {
    try {
      const described = await kmsCall(
        this.#target.connection,
        { ...errorContext(this.#target), operation: "DescribeKey" },
        (abortSignal) => this.#client.send(new DescribeKeyCommand({ KeyId: this.keyArn }), { abortSignal }),
      );
      const metadata = described.KeyMetadata;
      const state = metadata && keyStateError(metadata, { ...errorContext(this.#target), operation: "DescribeKey" });
      if (!metadata || !state) return original;
      return masterKeyError(state.code, this.#target, operation, {
        keyState: metadata.KeyState,
        deletionDate: metadata.DeletionDate,
        from: original,
      });
    } catch {
      return original;
    }
  }
}

/** ENCRYPT_DECRYPT, SYMMETRIC_DEFAULT, Enabled — in that order: usage and spec need another key, the state can be fixed. */
function checkMasterKey(metadata: KeyMetadata, target: Target): void {
  if (metadata.KeyUsage !== "ENCRYPT_DECRYPT") {
    throw masterKeyError("kms.invalid_key_usage", target, "DescribeKey", { keyUsage: metadata.KeyUsage ?? "unknown" });
  }
  const spec = metadata.KeySpec ?? metadata.CustomerMasterKeySpec;
  if (spec !== "SYMMETRIC_DEFAULT")
    throw masterKeyError("kms.unsupported_key", target, "DescribeKey", { keySpec: spec ?? "unknown" });
  const state = keyStateError(metadata, { ...errorContext(target), operation: "DescribeKey" });
  if (state)
    throw masterKeyError(state.code, target, "DescribeKey", {
      keyState: metadata.KeyState,
      deletionDate: metadata.DeletionDate,
    });
  if (metadata.Enabled === false) throw masterKeyError("kms.key_disabled", target, "DescribeKey", {});
}

function errorContext(target: Target): { keyId: string; region: string; phase: "use"; roleArn: string | undefined } {
  return { keyId: target.keyId, region: target.region, phase: "use", roleArn: target.roleArn };
}

/**
 * One KMS call through the shared kmsCall (deadline, SDK error → KmsError), with
 * the error re-worded for the master key. KmsOperation (../aws-kms/kms-errors.ts)
 * names only the signing backend's operations, so the data-key operations reach
 * the shared mapper as DescribeKey; the message and `operation` it would derive
 * from that are replaced here (a data-key operation leaves `operation` unset).
 */
async function masterKeyCall<T>(
  target: Target,
  operation: MasterKeyOperation,
  run: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    return await kmsCall(target.connection, { ...errorContext(target), operation: "DescribeKey" }, run);
  } catch (error) {
    if (!(error instanceof KmsError)) throw error;
    throw masterKeyError(error.code, target, operation, { from: error });
  }
}

interface MasterKeyFacts {
  /** The KmsError from the shared mapper: its AWS error name, request id and credential-free cause are kept. */
  from?: KmsError;
  /** What AWS said, when there is no `from`. */
  said?: string;
  keyUsage?: string;
  keySpec?: string;
  keyState?: string;
  deletionDate?: Date;
}

const PERMISSION: Record<MasterKeyOperation, string> = {
  DescribeKey: "kms:DescribeKey",
  GenerateDataKey: "kms:GenerateDataKey",
  Encrypt: "kms:Encrypt",
  Decrypt: "kms:Decrypt",
};

const LEAD: Record<MasterKeyOperation, string> = {
  DescribeKey: "Signet cannot use its master key",
  GenerateDataKey: "Signet cannot create organisation data keys",
  Encrypt: "Signet cannot wrap organisation data keys",
  Decrypt: "Signet cannot decrypt organisation data keys",
};

const IMPACT: Record<MasterKeyOperation, string> = {
  DescribeKey: "Signet does not start with this master key.",
  GenerateDataKey: "No platform-managed key can be created until this is fixed.",
  Encrypt: "Data keys cannot be re-wrapped until this is fixed.",
  Decrypt:
    "No platform-managed key can sign until this is fixed (keys in an organisation's own AWS KMS or HSM are not affected).",
};

function masterKeyError(
  code: KmsErrorCode,
  target: Target,
  operation: MasterKeyOperation,
  facts: MasterKeyFacts,
): KmsError {
  const from = facts.from;
  // An STS failure keeps its operation (AssumeRole); a data-key operation is not a KmsOperation.
  const kmsOperation: KmsOperation | undefined =
    from?.operation === "AssumeRole" ? "AssumeRole" : operation === "DescribeKey" ? "DescribeKey" : undefined;
  const message = masterKeyMessage(code, target, operation, facts) ?? from?.message ?? code;
  return new KmsError(
    code,
    message,
    {
      keyId: target.keyId,
      region: target.region,
      operation: kmsOperation,
      awsErrorName: from?.awsErrorName,
      awsRequestId: from?.awsRequestId,
    },
    { cause: from?.cause },
  );
}

function masterKeyMessage(
  code: KmsErrorCode,
  target: Target,
  operation: MasterKeyOperation,
  facts: MasterKeyFacts,
): string | undefined {
  const { region, keyId, connection, roleArn } = target;
  const key = `the AWS KMS master key ${keyId} in ${region}`;
  const lead = `${LEAD[operation]}: ${key}`;
  const impact = IMPACT[operation];
  const permission = PERMISSION[operation];
  const causeText = facts.from?.cause instanceof Error ? facts.from.cause.message : undefined;
  const aws = facts.said ?? causeText;
  const said = aws ? ` (AWS said ${aws.slice(0, 300)})` : "";
  const principal = roleArn ? `the role ${roleArn}` : "the AWS principal Signet runs as";
  const network = `the network path from Signet to ${connection.endpoint ?? `kms.${region}.amazonaws.com`}`;
  const symmetricOnly =
    "The master key must be a symmetric encryption key (key spec SYMMETRIC_DEFAULT, key usage ENCRYPT_DECRYPT); " +
    `create one (\`aws kms create-key --region ${region}\`) and configure Signet with it.`;
  switch (code) {
    case "kms.access_denied":
      if (facts.from?.operation === "AssumeRole") {
        return (
          `${LEAD[operation]}: AWS refused to let Signet assume the IAM role ${roleArn ?? "(unknown role)"} for ${key}${said}. ${impact} ` +
          "Check that the role exists, that its trust policy allows Signet's AWS principal to call sts:AssumeRole, and the external id."
        );
      }
      return (
        `${lead} refused ${permission}${said}. ${impact} Allow ${permission} for ${principal} in the key policy or an IAM policy ` +
        "(Signet needs kms:DescribeKey, kms:GenerateDataKey, kms:Encrypt and kms:Decrypt on this key, with the encryption context key signet:org)."
      );
    case "kms.bad_credentials":
      return `${LEAD[operation]}: AWS did not accept the credentials Signet signs its requests with${said}. ${impact} Renew or correct the Signet server's AWS credentials (or its clock).`;
    case "kms.key_disabled":
      return `${lead} is disabled. ${impact} Enable it again: \`aws kms enable-key --region ${region} --key-id ${keyId}\`.`;
    case "kms.key_pending_deletion": {
      const when = facts.deletionDate ? ` on ${facts.deletionDate.toISOString().slice(0, 10)}` : "";
      return (
        `${lead} is scheduled for deletion${when}. ${impact} Cancel the deletion at once ` +
        `(\`aws kms cancel-key-deletion --region ${region} --key-id ${keyId}\`, then \`aws kms enable-key\`): ` +
        "once it is deleted, every data key it wrapped, and every platform-managed key under them, is lost for good."
      );
    }
    case "kms.key_state":
      return `${lead} is in state ${facts.keyState ?? "unknown"}, not Enabled${said}. ${impact} Make the key Enabled again, then retry.`;
    case "kms.not_found":
      return (
        `${lead} does not exist for Signet${said}. ${impact} Check the configured key id or ARN and region (a key in another AWS account must be given by its key ARN). ` +
        "If the key was deleted, the data keys it wrapped cannot be recovered."
      );
    case "kms.throttled":
      return `${LEAD[operation]}: AWS KMS is throttling ${permission} requests for ${key}. Nothing was changed; try again in a moment. If it keeps happening, ask AWS for a higher KMS request quota in ${region}.`;
    case "kms.timeout": {
      const timeouts = kmsTimeouts(connection);
      return (
        `${LEAD[operation]}: AWS KMS did not answer ${operation} for ${key} in time (${timeouts.attemptMs} ms per attempt, ${timeouts.totalMs} ms in all). ` +
        `Nothing was changed; try again. If it persists, check ${network} and the AWS Health Dashboard.`
      );
    }
    case "kms.unavailable":
      return `${LEAD[operation]}: AWS KMS could not serve ${operation} for ${key}${said}. Nothing was changed; try again later. If it persists, check ${network} and the AWS Health Dashboard.`;
    case "kms.invalid_key_usage":
      return `${lead} ${facts.keyUsage ? `has key usage ${facts.keyUsage}, not ENCRYPT_DECRYPT` : "cannot be used for this operation"}${said}. ${symmetricOnly}`;
    case "kms.unsupported_key":
      return `${lead} has key spec ${facts.keySpec ?? "(unknown)"}, not SYMMETRIC_DEFAULT. ${symmetricOnly}`;
    case "kms.invalid_reference":
    case "kms.unsupported_hash":
    case "kms.signature_invalid":
      return undefined;
  }
}
