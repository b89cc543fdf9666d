/**
 * The KMSClient for one organisation's key: its region, an optional endpoint
 * override (tests, VPC endpoints), credentials from the SDK's default provider
 * chain or given explicitly, and optionally an IAM role (with external id) that is
 * assumed through STS before any KMS call. Every attempt has a connect and a
 * response timeout, and every call a total deadline (see `withDeadline`).
 */
import { KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { KmsError } from "@/lib/engine/keys/aws-kms/kms-errors";
import { toKmsError, type KmsPhase } from "@/lib/engine/keys/aws-kms/map-kms-error";

export interface AwsStaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsKmsRole {
  roleArn: string;
  externalId?: string;
  /** Default "signet-kms". Shows in the customer's CloudTrail. */
  sessionName?: string;
  /** STS endpoint override (tests); default: the regional STS endpoint of the key's region. */
  stsEndpoint?: string;
}

export interface KmsTimeouts {
  /** TCP/TLS connection, per attempt. */
  connectMs: number;
  /** Whole response, per attempt. */
  attemptMs: number;
  /** The whole call including retries. */
  totalMs: number;
}

export interface AwsKmsConnection {
  region: string;
  /** e.g. http://127.0.0.1:PORT in tests, or a VPC endpoint. */
  endpoint?: string;
  /** Omitted: the AWS SDK default provider chain (environment, shared files, container/instance role…). */
  credentials?: AwsStaticCredentials;
  role?: AwsKmsRole;
  timeouts?: Partial<KmsTimeouts>;
  /** SDK attempts per call (throttling and transient errors are retried with backoff). Default 3. */
  maxAttempts?: number;
}

export const DEFAULT_KMS_TIMEOUTS: KmsTimeouts = { connectMs: 3_000, attemptMs: 10_000, totalMs: 30_000 };

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export function kmsTimeouts(connection: AwsKmsConnection): KmsTimeouts {
  return { ...DEFAULT_KMS_TIMEOUTS, ...connection.timeouts };
}

type CredentialsOption = NonNullable<KMSClientConfig["credentials"]>;

function roleCredentials(
  connection: AwsKmsConnection,
  role: AwsKmsRole,
  keyId: string,
  phase: KmsPhase,
): CredentialsOption {
  if (!ROLE_ARN.test(role.roleArn)) {
    throw new KmsError(
      "kms.invalid_reference",
      `"${role.roleArn}" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME).`,
      {
        keyId,
        region: connection.region,
      },
    );
  }
  if (role.externalId !== undefined && !EXTERNAL_ID.test(role.externalId)) {
    throw new KmsError(
      "kms.invalid_reference",
      "The external id must be 2 to 1224 characters: letters, digits and +=,.@:/-_.",
      {
        keyId,
        region: connection.region,
      },
    );
  }
  const timeouts = kmsTimeouts(connection);
  const assume = fromTemporaryCredentials({
    params: {
      RoleArn: role.roleArn,
      ExternalId: role.externalId,
      RoleSessionName: role.sessionName ?? "signet-kms",
      DurationSeconds: 900,
    },
    masterCredentials: connection.credentials,
    clientConfig: {
      region: connection.region,
      endpoint: role.stsEndpoint,
      maxAttempts: connection.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: timeouts.connectMs,
        requestTimeout: timeouts.attemptMs,
        throwOnRequestTimeout: true,
      },
    },
  });
  // STS failures surface as KMS call failures; give them the role's words (the KMSClient memoizes the result).
  const provider: typeof assume = async (properties) => {
    try {
      return await assume(properties);
    } catch (error) {
      throw toKmsError(error, {
        keyId,
        region: connection.region,
        operation: "AssumeRole",
        phase,
        roleArn: role.roleArn,
        endpoint: role.stsEndpoint,
        timeoutMs: timeouts.attemptMs,
      });
    }
  };
  return provider;
}

export function createKmsClient(connection: AwsKmsConnection, keyId: string, phase: KmsPhase = "use"): KMSClient {
  const timeouts = kmsTimeouts(connection);
  const credentials = connection.role
    ? roleCredentials(connection, connection.role, keyId, phase)
    : connection.credentials;
  return new KMSClient({
    region: connection.region,
    endpoint: connection.endpoint,
    credentials,
    maxAttempts: connection.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: timeouts.connectMs,
      requestTimeout: timeouts.attemptMs,
      throwOnRequestTimeout: true,
    },
  });
}
