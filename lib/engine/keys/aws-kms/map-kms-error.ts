/**
 * Turns whatever the AWS SDK threw (a service exception named after the KMS/STS
 * error, a TimeoutError/AbortError from the HTTP handler, a socket error, a
 * CredentialsProviderError) into a KmsError. Classification is by exception name,
 * as the SDK documents. The SDK exception itself is not kept: it is replaced by a
 * plain Error holding only AWS's error name and message, so nothing of the
 * request (headers, credentials) can travel with the error into logs.
 */
import { KmsError, type KmsErrorCode, type KmsOperation } from "@/lib/engine/keys/aws-kms/kms-errors";
import { kmsErrorMessage, type KmsMessageFacts } from "@/lib/engine/keys/aws-kms/kms-error-messages";

export type KmsPhase = "register" | "use";

export interface KmsErrorContext {
  keyId: string;
  region: string;
  operation: KmsOperation;
  phase: KmsPhase;
  roleArn?: string;
  endpoint?: string;
  timeoutMs?: number;
}

const BY_NAME: Record<string, KmsErrorCode> = {
  AccessDeniedException: "kms.access_denied",
  AccessDenied: "kms.access_denied", // STS (query protocol)
  DisabledException: "kms.key_disabled",
  KMSInvalidStateException: "kms.key_state",
  NotFoundException: "kms.not_found",
  InvalidArnException: "kms.not_found",
  ThrottlingException: "kms.throttled",
  LimitExceededException: "kms.throttled",
  TooManyRequestsException: "kms.throttled",
  Throttling: "kms.throttled",
  TimeoutError: "kms.timeout",
  AbortError: "kms.timeout",
  RequestTimeout: "kms.timeout",
  RequestTimeoutException: "kms.timeout",
  DependencyTimeoutException: "kms.timeout",
  InvalidKeyUsageException: "kms.invalid_key_usage",
  UnrecognizedClientException: "kms.bad_credentials",
  InvalidSignatureException: "kms.bad_credentials",
  IncompleteSignature: "kms.bad_credentials",
  IncompleteSignatureException: "kms.bad_credentials",
  MissingAuthenticationTokenException: "kms.bad_credentials",
  MissingAuthenticationToken: "kms.bad_credentials",
  ExpiredTokenException: "kms.bad_credentials",
  ExpiredToken: "kms.bad_credentials",
  InvalidClientTokenId: "kms.bad_credentials",
  SignatureDoesNotMatch: "kms.bad_credentials",
  CredentialsProviderError: "kms.bad_credentials",
};

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT"]);

interface SdkErrorFacts {
  name: string;
  message: string;
  requestId?: string;
  errnoCode?: string;
}

function sdkErrorFacts(error: unknown): SdkErrorFacts {
  if (typeof error !== "object" || error === null) return { name: "Error", message: String(error) };
  const record = error as Record<string, unknown>;
  const metadata =
    typeof record.$metadata === "object" && record.$metadata !== null
      ? (record.$metadata as Record<string, unknown>)
      : {};
  return {
    name: typeof record.name === "string" ? record.name : "Error",
    message: typeof record.message === "string" ? record.message : "",
    requestId: typeof metadata.requestId === "string" ? metadata.requestId : undefined,
    errnoCode: typeof record.code === "string" ? record.code : undefined,
  };
}

function classify(facts: SdkErrorFacts): KmsErrorCode {
  const byName = BY_NAME[facts.name];
  if (byName === "kms.key_state") {
    // Sign/GetPublicKey on a key pending deletion fail with KMSInvalidStateException; the caller may refine with DescribeKey.
    if (/pending (replica )?deletion/i.test(facts.message)) return "kms.key_pending_deletion";
    if (/\bis disabled\b/i.test(facts.message)) return "kms.key_disabled";
  }
  if (byName) return byName;
  if (facts.errnoCode && TIMEOUT_CODES.has(facts.errnoCode)) return "kms.timeout";
  if (facts.errnoCode && NETWORK_CODES.has(facts.errnoCode)) return "kms.unavailable";
  return "kms.unavailable";
}

/** A plain, credential-free stand-in for the SDK exception, for `cause`. */
function summary(facts: SdkErrorFacts): Error {
  const error = new Error(facts.message ? `${facts.name}: ${facts.message}` : facts.name);
  error.name = facts.name;
  return error;
}

export function toKmsError(error: unknown, context: KmsErrorContext, extra: Partial<KmsMessageFacts> = {}): KmsError {
  if (error instanceof KmsError) return error;
  const facts = sdkErrorFacts(error);
  const code = classify(facts);
  const awsErrorName = facts.errnoCode && !BY_NAME[facts.name] ? facts.errnoCode : facts.name;
  const message = kmsErrorMessage(code, {
    ...context,
    awsErrorName,
    awsMessage: code === "kms.timeout" ? undefined : facts.message,
    ...extra,
  });
  return new KmsError(
    code,
    message,
    {
      keyId: context.keyId,
      region: context.region,
      operation: context.operation,
      awsErrorName,
      awsRequestId: facts.requestId,
    },
    { cause: summary(facts) },
  );
}

/** A KmsError that did not come from an SDK exception (a state seen in DescribeKey, a bad signature). */
export function kmsError(
  code: KmsErrorCode,
  context: KmsErrorContext,
  extra: Partial<KmsMessageFacts> = {},
  message?: string,
): KmsError {
  return new KmsError(code, message ?? kmsErrorMessage(code, { ...context, ...extra }), {
    keyId: context.keyId,
    region: context.region,
    operation: context.operation,
  });
}
