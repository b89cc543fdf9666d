import { describe, expect, it } from "vitest";
import { toKmsError, type KmsErrorContext } from "@/lib/engine/keys/aws-kms/map-kms-error";

const context: KmsErrorContext = {
  keyId: "arn:aws:kms:eu-west-1:111122223333:key/k",
  region: "eu-west-1",
  operation: "Sign",
  phase: "use",
};

function sdkError(name: string, message = "", extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: { requestId: "req-1", httpStatusCode: 400 },
    $fault: "client",
    ...extra,
  });
}

describe("toKmsError: SDK exceptions by name", () => {
  it.each([
    ["AccessDeniedException", "kms.access_denied"],
    ["DisabledException", "kms.key_disabled"],
    ["NotFoundException", "kms.not_found"],
    ["InvalidArnException", "kms.not_found"],
    ["ThrottlingException", "kms.throttled"],
    ["LimitExceededException", "kms.throttled"],
    ["TimeoutError", "kms.timeout"],
    ["AbortError", "kms.timeout"],
    ["DependencyTimeoutException", "kms.timeout"],
    ["InvalidKeyUsageException", "kms.invalid_key_usage"],
    ["UnrecognizedClientException", "kms.bad_credentials"],
    ["ExpiredTokenException", "kms.bad_credentials"],
    ["CredentialsProviderError", "kms.bad_credentials"],
    ["KMSInternalException", "kms.unavailable"],
    ["KeyUnavailableException", "kms.unavailable"],
    ["SomethingNew", "kms.unavailable"],
  ])("%s → %s", (name, code) => {
    const error = toKmsError(sdkError(name, "details"), context);
    expect(error).toMatchObject({
      code,
      keyId: context.keyId,
      region: "eu-west-1",
      operation: "Sign",
      awsErrorName: name,
      awsRequestId: "req-1",
    });
    expect(error.message.length).toBeGreaterThan(40);
  });

  it("KMSInvalidStateException: pending deletion and disabled from AWS's message, any other state as kms.key_state", () => {
    expect(toKmsError(sdkError("KMSInvalidStateException", "arn:… is pending deletion."), context).code).toBe(
      "kms.key_pending_deletion",
    );
    expect(toKmsError(sdkError("KMSInvalidStateException", "arn:… is disabled."), context).code).toBe(
      "kms.key_disabled",
    );
    expect(toKmsError(sdkError("KMSInvalidStateException", "arn:… is pending import."), context).code).toBe(
      "kms.key_state",
    );
  });

  it("socket errors by errno code; the SDK exception is not kept as the cause (no $response, no request)", () => {
    expect(
      toKmsError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), context),
    ).toMatchObject({
      code: "kms.unavailable",
      awsErrorName: "ECONNREFUSED",
    });
    expect(toKmsError(Object.assign(new Error("socket hang up"), { code: "ETIMEDOUT" }), context).code).toBe(
      "kms.timeout",
    );
    const original = sdkError("AccessDeniedException", "User: x is not authorized", {
      $response: { headers: { secret: "s3cr3t" } },
    });
    const mapped = toKmsError(original, context);
    expect(mapped.cause).not.toBe(original);
    expect(mapped.cause).toMatchObject({
      name: "AccessDeniedException",
      message: "AccessDeniedException: User: x is not authorized",
    });
    expect(JSON.stringify(mapped.cause)).not.toContain("s3cr3t");
  });
});
