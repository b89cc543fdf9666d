import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKms, type TestKmsServer } from "@/test/support/kms-server";
import { testKmsConnection } from "@/test/support/kms-fixtures";
import { digest } from "@/lib/engine/crypto/hash";
import { AwsKmsKeyBackend } from "@/lib/engine/keys/aws-kms/aws-kms-key-backend";
import { describeAwsKmsKey } from "@/lib/engine/keys/aws-kms/describe-aws-kms-key";

let kms: TestKmsServer;
beforeAll(async () => {
  kms = await startTestKms();
});
afterAll(async () => {
  await kms?.stop();
});

const roleArn = "arn:aws:iam::444455556666:role/SignetSealing";
const message = new TextEncoder().encode("signed attributes");

describe("AWS KMS through an assumed IAM role (STS AssumeRole with an external id)", () => {
  it("assumes the role once, then signs KMS requests with the temporary credentials and their session token", async () => {
    kms.allowRole({ roleArn, externalId: "signet-org-42" });
    const key = kms.createKey("RSA_2048");
    const role = { roleArn, externalId: "signet-org-42", stsEndpoint: kms.endpoint };
    const connection = testKmsConnection(kms, { role });
    const before = kms.requests.length;

    const described = await describeAwsKmsKey({ ...connection, keyId: key.arn });
    const backend = new AwsKmsKeyBackend({ ...connection, keyId: described.keyArn, publicKey: described.publicKey });
    try {
      await backend.sign({ message, digest: digest("SHA-256", message), hash: "SHA-256" });
      await backend.sign({ message, digest: digest("SHA-512", message), hash: "SHA-512" });
    } finally {
      backend.destroy();
    }

    const requests = kms.requests.slice(before);
    const assumed = requests.filter((r) => r.service === "sts");
    // one AssumeRole for the registration's client, one for the backend's (each caches its credentials)
    expect(assumed.map((r) => r.operation)).toEqual(["AssumeRole", "AssumeRole"]);
    for (const request of assumed) {
      expect(request.body).toMatchObject({
        RoleArn: roleArn,
        ExternalId: "signet-org-42",
        RoleSessionName: "signet-kms",
      });
      expect(request.accessKeyId).toBe(kms.credentials.accessKeyId);
      expect(request.error).toBeUndefined();
    }
    const kmsRequests = requests.filter((r) => r.service === "kms");
    expect(kmsRequests.map((r) => r.operation)).toEqual(["DescribeKey", "GetPublicKey", "Sign", "Sign"]);
    for (const request of kmsRequests) {
      const issued = kms.issued.find((c) => c.accessKeyId === request.accessKeyId);
      expect(issued?.roleArn).toBe(roleArn);
      expect(request.headers["x-amz-security-token"]).toBe(issued?.sessionToken);
      expect(request.error).toBeUndefined();
    }
  });

  it("a wrong external id (or a role that no longer trusts Signet): kms.access_denied on AssumeRole, about the role's trust policy", async () => {
    kms.allowRole({ roleArn, externalId: "signet-org-42" });
    const key = kms.createKey("ECC_NIST_P256");
    const connection = testKmsConnection(kms, { role: { roleArn, externalId: "guessed", stsEndpoint: kms.endpoint } });
    const backend = new AwsKmsKeyBackend({ ...connection, keyId: key.arn, publicKey: key.spki });
    try {
      const error = await backend
        .sign({ message, digest: digest("SHA-256", message), hash: "SHA-256" })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: "kms.access_denied",
        operation: "AssumeRole",
        awsErrorName: "AccessDenied",
        keyId: key.arn,
      });
      expect((error as Error).message).toContain(`AWS refused to let Signet assume the IAM role ${roleArn}`);
      expect((error as Error).message).toContain("trust policy");
      expect((error as Error).message).toContain("external id");
      expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(kms.credentials.secretAccessKey);
    } finally {
      backend.destroy();
    }
    expect(kms.requests.at(-1)).toMatchObject({ service: "sts", error: "AccessDenied" });

    await expect(describeAwsKmsKey({ ...connection, keyId: key.arn })).rejects.toMatchObject({
      code: "kms.access_denied",
      operation: "AssumeRole",
      message: expect.stringMatching(/^Signet cannot use the AWS KMS key/),
    });
  });

  it("rejects a malformed role ARN or external id before any call", () => {
    const key = kms.createKey("ECC_NIST_P256");
    const make = (role: { roleArn: string; externalId?: string }) => () =>
      new AwsKmsKeyBackend({ ...testKmsConnection(kms, { role }), keyId: key.arn, publicKey: key.spki });
    expect(make({ roleArn: "SignetSealing" })).toThrow(expect.objectContaining({ code: "kms.invalid_reference" }));
    expect(make({ roleArn, externalId: "x" })).toThrow(expect.objectContaining({ code: "kms.invalid_reference" }));
  });
});
