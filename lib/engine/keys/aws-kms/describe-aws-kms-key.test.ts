import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKms, type TestKmsServer } from "@/test/support/kms-server";
import { testKmsConnection } from "@/test/support/kms-fixtures";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { describeAwsKmsKey } from "@/lib/engine/keys/aws-kms/describe-aws-kms-key";
import type { SupportedKeySpec } from "@/lib/engine/keys/aws-kms/kms-key-spec";

let kms: TestKmsServer;
beforeAll(async () => {
  kms = await startTestKms();
});
afterAll(async () => {
  await kms?.stop();
});

const SPECS: [SupportedKeySpec, KeyAlgorithm][] = [
  ["RSA_2048", { kind: "RSA", modulusBits: 2048 }],
  ["RSA_3072", { kind: "RSA", modulusBits: 3072 }],
  ["RSA_4096", { kind: "RSA", modulusBits: 4096 }],
  ["ECC_NIST_P256", { kind: "EC", curve: "P-256" }],
  ["ECC_NIST_P384", { kind: "EC", curve: "P-384" }],
  ["ECC_NIST_P521", { kind: "EC", curve: "P-521" }],
];

describe("describeAwsKmsKey (registration) through @aws-sdk/client-kms over HTTP", () => {
  for (const [spec, algorithm] of SPECS) {
    it(`${spec}: DescribeKey + GetPublicKey give the key ARN, the algorithm and the key's real SubjectPublicKeyInfo`, async () => {
      const key = kms.createKey(spec, { description: `signing key ${spec}` });
      const described = await describeAwsKmsKey({ ...testKmsConnection(kms), keyId: key.keyId });
      expect(described).toMatchObject({
        keyArn: key.arn,
        kmsKeyId: key.keyId,
        region: kms.region,
        accountId: kms.accountId,
        keySpec: spec,
        algorithm,
        description: `signing key ${spec}`,
      });
      expect(Buffer.from(described.publicKey)).toEqual(Buffer.from(key.spki));
      const operations = kms.requests
        .filter((r) => r.body.KeyId === key.keyId || r.body.KeyId === key.arn)
        .map((r) => r.operation);
      expect(operations).toEqual(["DescribeKey", "GetPublicKey"]);
    });
  }

  it("accepts a key ARN without a region, and resolves an alias (name or ARN) to the key ARN it names today", async () => {
    const key = kms.createKey("ECC_NIST_P256", { alias: "alias/signet-seal" });
    const connection = testKmsConnection(kms);
    const { region: _region, ...withoutRegion } = connection;
    expect((await describeAwsKmsKey({ ...withoutRegion, keyId: key.arn })).keyArn).toBe(key.arn);
    expect((await describeAwsKmsKey({ ...connection, keyId: "alias/signet-seal" })).keyArn).toBe(key.arn);
    const aliasArn = `arn:aws:kms:${kms.region}:${kms.accountId}:alias/signet-seal`;
    expect((await describeAwsKmsKey({ ...withoutRegion, keyId: aliasArn })).keyArn).toBe(key.arn);
  });

  it("refuses a key whose usage is ENCRYPT_DECRYPT, with a message that says a new signing key is needed", async () => {
    const key = kms.createKey("RSA_2048", { usage: "ENCRYPT_DECRYPT" });
    const error = await describeAwsKmsKey({ ...testKmsConnection(kms), keyId: key.arn }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "kms.invalid_key_usage", keyId: key.arn, operation: "DescribeKey" });
    expect((error as Error).message).toContain("key usage is ENCRYPT_DECRYPT, not SIGN_VERIFY");
    expect((error as Error).message).toContain("create a new signing key");
  });

  it("refuses an unsupported key spec (secp256k1) and names the supported ones", async () => {
    const key = kms.createKey("ECC_SECG_P256K1");
    const error = await describeAwsKmsKey({ ...testKmsConnection(kms), keyId: key.arn }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "kms.unsupported_key" });
    expect((error as Error).message).toContain("ECC_SECG_P256K1");
    expect((error as Error).message).toContain("ECC_NIST_P256");
  });

  it("refuses a disabled key and a key pending deletion (state from DescribeKey), with the date and the fix", async () => {
    const disabled = kms.createKey("RSA_2048");
    kms.setMode(disabled, "disabled");
    await expect(describeAwsKmsKey({ ...testKmsConnection(kms), keyId: disabled.arn })).rejects.toMatchObject({
      code: "kms.key_disabled",
      message: expect.stringContaining("aws kms enable-key"),
    });
    const doomed = kms.createKey("RSA_2048");
    kms.setMode(doomed, "pending_deletion");
    const error = await describeAwsKmsKey({ ...testKmsConnection(kms), keyId: doomed.arn }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "kms.key_pending_deletion" });
    expect((error as Error).message).toContain(doomed.deletionDate?.toISOString().slice(0, 10));
    expect((error as Error).message).toContain("cancel-key-deletion");
  });

  it("reports a key that does not exist, and access denied, as typed errors", async () => {
    const missing = `arn:aws:kms:${kms.region}:${kms.accountId}:key/00000000-0000-4000-8000-000000000000`;
    await expect(describeAwsKmsKey({ ...testKmsConnection(kms), keyId: missing })).rejects.toMatchObject({
      code: "kms.not_found",
      awsErrorName: "NotFoundException",
      message: expect.stringContaining("full key ARN"),
    });
    const denied = kms.createKey("ECC_NIST_P256");
    kms.setMode(denied, "access_denied");
    const error = await describeAwsKmsKey({ ...testKmsConnection(kms), keyId: denied.arn }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "kms.access_denied",
      operation: "DescribeKey",
      awsErrorName: "AccessDeniedException",
    });
    expect((error as Error).message).toMatch(
      /^Signet cannot use the AWS KMS key .*: access was denied for kms:DescribeKey/,
    );
    expect(typeof (error as { awsRequestId?: unknown }).awsRequestId).toBe("string");
  });

  it("rejects malformed references and a region that contradicts the ARN before calling AWS", async () => {
    const before = kms.requests.length;
    const connection = testKmsConnection(kms);
    await expect(describeAwsKmsKey({ ...connection, keyId: "my key" })).rejects.toMatchObject({
      code: "kms.invalid_reference",
    });
    await expect(
      describeAwsKmsKey({
        ...connection,
        region: "us-east-1",
        keyId: `arn:aws:kms:eu-west-1:${kms.accountId}:key/00000000-0000-4000-8000-000000000000`,
      }),
    ).rejects.toMatchObject({
      code: "kms.invalid_reference",
      message: expect.stringContaining("is in region eu-west-1, not us-east-1"),
    });
    const { region: _region, ...withoutRegion } = connection;
    await expect(describeAwsKmsKey({ ...withoutRegion, keyId: "alias/signet" })).rejects.toMatchObject({
      code: "kms.invalid_reference",
    });
    expect(kms.requests.length).toBe(before);
  });
});
