import { createServer } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKms, type TestKmsServer } from "@/test/support/kms-server";
import { registerTestKmsKey, testKmsConnection } from "@/test/support/kms-fixtures";
import { digest } from "@/lib/engine/crypto/hash";
import { AwsKmsKeyBackend } from "@/lib/engine/keys/aws-kms/aws-kms-key-backend";
import { KmsError } from "@/lib/engine/keys/aws-kms/kms-errors";
import type { AwsKmsConnection } from "@/lib/engine/keys/aws-kms/kms-client";

let kms: TestKmsServer;
const errors: unknown[] = [];
const backends: AwsKmsKeyBackend[] = [];

beforeAll(async () => {
  kms = await startTestKms();
});
afterAll(async () => {
  for (const backend of backends) backend.destroy();
  await kms?.stop();
});

const message = new TextEncoder().encode("signed attributes");
const request = { message, digest: digest("SHA-256", message), hash: "SHA-256" as const };

async function signingKey(overrides: Partial<AwsKmsConnection> = {}) {
  const registered = await registerTestKmsKey(kms, "ECC_NIST_P256", overrides);
  backends.push(registered.backend);
  return registered;
}

async function failure(promise: Promise<unknown>): Promise<KmsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  errors.push(error);
  expect(error).toBeInstanceOf(KmsError);
  return error as KmsError;
}

describe("AwsKmsKeyBackend failures: typed errors with actionable messages", () => {
  it("kms:Sign denied (grant removed): kms.access_denied, says it may be on purpose and what to restore", async () => {
    const { key, backend } = await signingKey();
    kms.setMode(key, "sign_denied");
    const error = await failure(backend.sign(request));
    expect(error).toMatchObject({
      code: "kms.access_denied",
      keyId: key.arn,
      region: kms.region,
      operation: "Sign",
      awsErrorName: "AccessDeniedException",
    });
    expect(error.message).toContain(
      `Signet can no longer use the AWS KMS key ${key.arn} in ${kms.region}: access was denied for kms:Sign`,
    );
    expect(error.message).toContain("If you removed Signet's grant on purpose, this is expected");
    expect(error.message).toContain("restore kms:Sign");
    expect(error.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("disabled key: kms.key_disabled with the command that enables it", async () => {
    const { key, backend } = await signingKey();
    kms.setMode(key, "disabled");
    const error = await failure(backend.sign(request));
    expect(error).toMatchObject({ code: "kms.key_disabled", awsErrorName: "DisabledException" });
    expect(error.message).toContain("the key is disabled");
    expect(error.message).toContain(`aws kms enable-key --region ${kms.region} --key-id ${key.arn}`);
  });

  it("key pending deletion: KMSInvalidStateException is explained with DescribeKey (state and deletion date)", async () => {
    const { key, backend } = await signingKey();
    kms.setMode(key, "pending_deletion");
    const before = kms.requests.length;
    const error = await failure(backend.sign(request));
    expect(kms.requests.slice(before).map((r) => `${r.operation}:${r.error ?? "ok"}`)).toEqual([
      "Sign:KMSInvalidStateException",
      "DescribeKey:ok",
    ]);
    expect(error.code).toBe("kms.key_pending_deletion");
    expect(error.message).toContain(`scheduled for deletion on ${key.deletionDate?.toISOString().slice(0, 10)}`);
    expect(error.message).toContain("cancel-key-deletion");
  });

  it("deleted key: kms.not_found", async () => {
    const { key, backend } = await signingKey();
    kms.setMode(key, "not_found");
    const error = await failure(backend.sign(request));
    expect(error).toMatchObject({ code: "kms.not_found", awsErrorName: "NotFoundException" });
    expect(error.message).toContain("register a new key and certificate");
  });

  it("all access removed: kms.access_denied even though the follow-up DescribeKey is denied too", async () => {
    const { key, backend } = await signingKey();
    kms.setMode(key, "access_denied");
    const error = await failure(backend.sign(request));
    expect(error.code).toBe("kms.access_denied");
  });

  it("throttling: kms.throttled once the SDK's attempts are spent; a passing throttle is retried and succeeds", async () => {
    const { key, backend } = await signingKey();
    kms.setMode(key, "throttled");
    const error = await failure(backend.sign(request));
    expect(error).toMatchObject({ code: "kms.throttled", awsErrorName: "ThrottlingException" });
    expect(error.message).toContain("Nothing was signed; try again in a moment");

    const retrying = await signingKey({ maxAttempts: 3 });
    kms.setMode(retrying.key, "throttled", { throttleCount: 1 });
    const before = kms.requests.length;
    await expect(retrying.backend.sign(request)).resolves.toBeInstanceOf(Uint8Array);
    expect(kms.requests.slice(before).map((r) => r.error ?? "ok")).toEqual(["ThrottlingException", "ok"]);
  });

  it("a slow answer: kms.timeout from the per-attempt timeout, and from the total deadline", async () => {
    const perAttempt = await signingKey({ timeouts: { connectMs: 1_000, attemptMs: 300, totalMs: 10_000 } });
    kms.setMode(perAttempt.key, "slow", { delayMs: 3_000 });
    const started = Date.now();
    const error = await failure(perAttempt.backend.sign(request));
    expect(error).toMatchObject({ code: "kms.timeout", operation: "Sign" });
    expect(error.message).toContain("did not answer Sign");
    expect(error.message).toContain("within 300 ms");
    expect(Date.now() - started).toBeLessThan(2_500);

    const total = await signingKey({ maxAttempts: 3, timeouts: { connectMs: 1_000, attemptMs: 5_000, totalMs: 400 } });
    kms.setMode(total.key, "slow", { delayMs: 1_500 });
    const deadline = await failure(total.backend.sign(request));
    expect(deadline.code).toBe("kms.timeout");
    expect(deadline.message).toContain("within 400 ms");
  });

  it("an endpoint that cannot be reached: kms.unavailable", async () => {
    const { key, description } = await signingKey();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const port = typeof address === "object" && address ? address.port : 1;
    const backend = new AwsKmsKeyBackend({
      ...testKmsConnection(kms, { endpoint: `http://127.0.0.1:${port}` }),
      keyId: key.arn,
      publicKey: description.publicKey,
    });
    backends.push(backend);
    const error = await failure(backend.sign(request));
    expect(error).toMatchObject({ code: "kms.unavailable", awsErrorName: "ECONNREFUSED" });
    expect(error.message).toContain("Nothing was signed; try again later");
  });

  it("credentials AWS does not accept: kms.bad_credentials, naming Signet's credentials, not the key", async () => {
    const { key, description } = await signingKey();
    const wrongSecret = "wrong-secret-that-must-never-appear-in-errors";
    const backend = new AwsKmsKeyBackend({
      ...testKmsConnection(kms, {
        credentials: { accessKeyId: kms.credentials.accessKeyId, secretAccessKey: wrongSecret },
      }),
      keyId: key.arn,
      publicKey: description.publicKey,
    });
    backends.push(backend);
    const error = await failure(backend.sign(request));
    expect(error).toMatchObject({ code: "kms.bad_credentials", awsErrorName: "InvalidSignatureException" });
    expect(error.message).toContain("Signet's own AWS credentials");

    const unknown = new AwsKmsKeyBackend({
      ...testKmsConnection(kms, { credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: wrongSecret } }),
      keyId: key.arn,
      publicKey: description.publicKey,
    });
    backends.push(unknown);
    expect(await failure(unknown.sign(request))).toMatchObject({
      code: "kms.bad_credentials",
      awsErrorName: "UnrecognizedClientException",
    });
  });

  it("a key whose usage is ENCRYPT_DECRYPT: Sign's InvalidKeyUsageException is kms.invalid_key_usage", async () => {
    const key = kms.createKey("RSA_2048", { usage: "ENCRYPT_DECRYPT" });
    const backend = new AwsKmsKeyBackend({ ...testKmsConnection(kms), keyId: key.arn, publicKey: key.spki });
    backends.push(backend);
    const error = await failure(backend.sign(request));
    expect(error).toMatchObject({ code: "kms.invalid_key_usage", awsErrorName: "InvalidKeyUsageException" });
    expect(error.message).toContain("SIGN_VERIFY");
  });

  it("a signature from another key is refused (kms.signature_invalid), nothing is returned", async () => {
    const { key, backend } = await signingKey();
    kms.setMode(key, "wrong_signature");
    const error = await failure(backend.sign(request));
    expect(error.code).toBe("kms.signature_invalid");
    expect(error.message).toContain("does not verify with the public key registered for it; nothing was signed");
    const rsa = await registerTestKmsKey(kms, "RSA_2048");
    backends.push(rsa.backend);
    kms.setMode(rsa.key, "wrong_signature");
    expect((await failure(rsa.backend.sign(request))).code).toBe("kms.signature_invalid");
  });

  it("no error carries credentials: not in the message, the fields, the cause or its inspection", () => {
    expect(errors.length).toBeGreaterThan(0); // collected by the tests above
    for (const error of errors) {
      const dumped = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error)].join("\n");
      expect(dumped).not.toContain(kms.credentials.secretAccessKey);
      expect(dumped).not.toContain("wrong-secret-that-must-never-appear-in-errors");
      expect(dumped).not.toContain("AWS4-HMAC-SHA256");
      const cause = (error as Error).cause;
      expect(
        cause === undefined || (cause instanceof Error && !("$response" in cause) && !("$metadata" in cause)),
      ).toBe(true);
    }
  });
});
