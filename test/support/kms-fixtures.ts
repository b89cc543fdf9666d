/** Shared set-up for tests against the test KMS endpoint: connections and registered keys. */
import { AwsKmsKeyBackend } from "@/lib/engine/keys/aws-kms/aws-kms-key-backend";
import { describeAwsKmsKey, type AwsKmsKeyDescription } from "@/lib/engine/keys/aws-kms/describe-aws-kms-key";
import type { AwsKmsConnection } from "@/lib/engine/keys/aws-kms/kms-client";
import type { TestKmsKey, TestKmsKeySpec, TestKmsServer } from "@/test/support/kms-server";

/** A connection to the test endpoint with its long-term test credentials; fast timeouts, one attempt unless told. */
export function testKmsConnection(kms: TestKmsServer, overrides: Partial<AwsKmsConnection> = {}): AwsKmsConnection {
  return {
    region: kms.region,
    endpoint: kms.endpoint,
    credentials: { ...kms.credentials },
    maxAttempts: 1,
    timeouts: { connectMs: 1_000, attemptMs: 5_000, totalMs: 10_000 },
    ...overrides,
  };
}

export interface RegisteredTestKey {
  key: TestKmsKey;
  description: AwsKmsKeyDescription;
  backend: AwsKmsKeyBackend;
}

/** Creates a key in the test KMS, registers it as Signet would, and opens a backend on the stored reference. */
export async function registerTestKmsKey(
  kms: TestKmsServer,
  spec: TestKmsKeySpec,
  overrides: Partial<AwsKmsConnection> = {},
): Promise<RegisteredTestKey> {
  const key = kms.createKey(spec);
  const connection = testKmsConnection(kms, overrides);
  const description = await describeAwsKmsKey({ ...connection, keyId: key.arn });
  const backend = new AwsKmsKeyBackend({ ...connection, keyId: description.keyArn, publicKey: description.publicKey });
  return { key, description, backend };
}
