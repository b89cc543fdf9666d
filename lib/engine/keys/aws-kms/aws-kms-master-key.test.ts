/**
 * AwsKmsMasterKey through the real @aws-sdk/client-kms over HTTP, against the test
 * KMS endpoint (AWS JSON 1.1, SigV4 checked, real AES-256-GCM under each key).
 */
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKms, type TestKmsServer } from "@/test/support/kms-server";
import { testKmsConnection } from "@/test/support/kms-fixtures";
import { KmsError } from "@/lib/engine/keys/aws-kms/kms-errors";
import type { AwsKmsConnection } from "@/lib/engine/keys/aws-kms/kms-client";
import { digest } from "@/lib/engine/crypto/hash";
import { AwsKmsMasterKey } from "@/lib/engine/keys/aws-kms/aws-kms-master-key";
import { generatePlatformKey } from "@/lib/engine/keys/platform/generate-platform-key";
import { decryptPrivateKey, encryptPrivateKey } from "@/lib/engine/keys/platform/key-envelope";
import { LocalMasterKey } from "@/lib/engine/keys/platform/local-master-key";
import { PlatformKeyBackend } from "@/lib/engine/keys/platform/platform-key-backend";
import { PlatformKeyError } from "@/lib/engine/keys/platform/platform-key-errors";

let kms: TestKmsServer;
const opened: AwsKmsMasterKey[] = [];
/** Every error the tests provoke, and every plaintext data key they saw: no error may contain one. */
const errors: unknown[] = [];
const dataKeys: Buffer[] = [];

beforeAll(async () => {
  kms = await startTestKms();
});
afterAll(async () => {
  for (const masterKey of opened) masterKey.destroy();
  await kms?.stop();
});

const org = { orgId: "org_7f3a" };

async function connect(keyId: string, overrides: Partial<AwsKmsConnection> = {}): Promise<AwsKmsMasterKey> {
  const masterKey = await AwsKmsMasterKey.connect({ ...testKmsConnection(kms, overrides), keyId });
  opened.push(masterKey);
  return masterKey;
}

async function masterKeyOnNewKey(overrides: Partial<AwsKmsConnection> = {}) {
  const key = kms.createKey("SYMMETRIC_DEFAULT");
  return { key, masterKey: await connect(key.arn, overrides) };
}

async function failure<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  errors.push(error);
  expect(error).toBeInstanceOf(type);
  return error as E;
}

describe("AwsKmsMasterKey: data keys under a KMS symmetric key", () => {
  it("connect() resolves an alias to the key ARN once; the id is aws-kms:<ARN>, the same however the key is named", async () => {
    const key = kms.createKey("SYMMETRIC_DEFAULT", { alias: "alias/signet-master" });
    const before = kms.requests.length;
    const byAlias = await connect("alias/signet-master");
    expect(kms.requests.slice(before).map((r) => `${r.operation}:${r.body.KeyId as string}`)).toEqual([
      "DescribeKey:alias/signet-master",
    ]);
    expect(byAlias.id).toBe(`aws-kms:${key.arn}`);
    expect(byAlias.keyArn).toBe(key.arn);
    expect(byAlias.region).toBe(kms.region);
    expect(byAlias.description).toBe(`AWS KMS master key ${key.arn}`);
    expect((await connect(key.keyId)).id).toBe(byAlias.id);
    expect((await connect(key.arn)).id).toBe(byAlias.id);
    expect(
      (await connect(`arn:aws:kms:${kms.region}:${kms.accountId}:alias/signet-master`, { region: undefined })).id,
    ).toBe(byAlias.id);

    // later calls name the ARN, so re-pointing the alias cannot switch keys under stored data keys
    const generated = await byAlias.generateDataKey(org);
    dataKeys.push(generated.plaintext);
    expect(kms.requests.at(-1)?.body.KeyId).toBe(key.arn);
  });

  it("generateDataKey → unwrap: a 32-byte Buffer; GenerateDataKey AES_256 and Decrypt with KeyId and the organisation's encryption context", async () => {
    const { key, masterKey } = await masterKeyOnNewKey();
    const before = kms.requests.length;
    const { plaintext, wrapped } = await masterKey.generateDataKey(org);
    dataKeys.push(plaintext);
    expect(Buffer.isBuffer(plaintext)).toBe(true);
    expect(plaintext.length).toBe(32);
    expect(wrapped).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(wrapped).includes(plaintext)).toBe(false);

    const unwrapped = await masterKey.unwrap(wrapped, org);
    dataKeys.push(unwrapped);
    expect(Buffer.isBuffer(unwrapped)).toBe(true);
    expect(unwrapped).toEqual(plaintext);
    expect(unwrapped).not.toBe(plaintext);

    const [generate, decrypt, ...more] = kms.requests.slice(before);
    expect(more).toEqual([]);
    expect(generate).toMatchObject({
      operation: "GenerateDataKey",
      body: { KeyId: key.arn, KeySpec: "AES_256", EncryptionContext: { "signet:org": org.orgId } },
    });
    expect(generate?.body.NumberOfBytes).toBeUndefined();
    expect(decrypt).toMatchObject({
      operation: "Decrypt",
      body: {
        KeyId: key.arn,
        EncryptionContext: { "signet:org": org.orgId },
        EncryptionAlgorithm: "SYMMETRIC_DEFAULT",
        CiphertextBlob: Buffer.from(wrapped).toString("base64"),
      },
    });
    for (const request of [generate, decrypt]) {
      expect(request?.accessKeyId).toBe(kms.credentials.accessKeyId); // SigV4 verified by the endpoint
      expect(request?.error).toBeUndefined();
    }
  });

  it("wrap (Encrypt) → unwrap: re-wrapping a data key from the local master key under the KMS key keeps it", async () => {
    const local = new LocalMasterKey(randomBytes(32).toString("base64"));
    const { key, masterKey } = await masterKeyOnNewKey();
    const fromLocal = await local.generateDataKey(org);
    dataKeys.push(fromLocal.plaintext);

    const before = kms.requests.length;
    const rewrapped = await masterKey.wrap(await local.unwrap(fromLocal.wrapped, org), org);
    expect(kms.requests.slice(before)).toMatchObject([
      {
        operation: "Encrypt",
        body: {
          KeyId: key.arn,
          EncryptionContext: { "signet:org": org.orgId },
          Plaintext: fromLocal.plaintext.toString("base64"),
        },
      },
    ]);
    expect(await masterKey.unwrap(rewrapped, org)).toEqual(fromLocal.plaintext);
    await expect(masterKey.wrap(new Uint8Array(16), org)).rejects.toThrow(RangeError);
  });

  it("another organisation's context, another symmetric key, or an altered blob: master_key.mismatch", async () => {
    const { masterKey } = await masterKeyOnNewKey();
    const { masterKey: other } = await masterKeyOnNewKey();
    const { plaintext, wrapped } = await masterKey.generateDataKey(org);
    dataKeys.push(plaintext);

    const before = kms.requests.length;
    const wrongOrg = await failure(masterKey.unwrap(wrapped, { orgId: "org_other" }), PlatformKeyError);
    expect(wrongOrg.code).toBe("master_key.mismatch");
    expect(wrongOrg.message).toContain(`could not be unwrapped with the AWS KMS master key ${masterKey.keyArn}`);

    const otherKey = await failure(other.unwrap(wrapped, org), PlatformKeyError);
    expect(otherKey.code).toBe("master_key.mismatch");
    expect(kms.requests.slice(before).map((r) => r.error)).toEqual([
      "InvalidCiphertextException",
      "IncorrectKeyException",
    ]);

    const altered = Buffer.from(wrapped);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 0x80;
    expect((await failure(masterKey.unwrap(altered, org), PlatformKeyError)).code).toBe("master_key.mismatch");
    expect((await failure(masterKey.unwrap(new Uint8Array(3), org), PlatformKeyError)).code).toBe(
      "master_key.mismatch",
    );
  });

  it("a data key from the KMS master key encrypts a platform key (key-envelope), which decrypts and signs after an unwrap", async () => {
    const { masterKey } = await masterKeyOnNewKey();
    const { pkcs8, spki, algorithm } = await generatePlatformKey("EC-P256");
    const keyContext = { orgId: org.orgId, keyId: "key_1" };
    const original = Buffer.from(pkcs8);

    const { plaintext: dataKey, wrapped } = await masterKey.generateDataKey(org);
    const keyBox = encryptPrivateKey(pkcs8, dataKey, keyContext);
    dataKey.fill(0);
    pkcs8.fill(0);

    // later, as the platform backend does: unwrap, decrypt
    const unwrapped = await masterKey.unwrap(wrapped, org);
    expect(decryptPrivateKey(keyBox, unwrapped, keyContext)).toEqual(original);
    expect(() => decryptPrivateKey(keyBox, unwrapped, { ...keyContext, orgId: "org_other" })).toThrow(PlatformKeyError);

    const backend = new PlatformKeyBackend({
      context: keyContext,
      spki,
      algorithm,
      masterKey,
      material: { load: async () => ({ keyBox, wrappedDataKey: wrapped }) },
    });
    const message = new TextEncoder().encode("signed attributes");
    const before = kms.requests.length;
    await expect(
      backend.sign({ message, digest: digest("SHA-256", message), hash: "SHA-256" }),
    ).resolves.toBeInstanceOf(Uint8Array);
    expect(kms.requests.slice(before).map((r) => r.operation)).toEqual(["Decrypt"]);
  });

  it("through an assumed IAM role: AssumeRole once, then GenerateDataKey and Decrypt with the temporary credentials", async () => {
    const roleArn = "arn:aws:iam::444455556666:role/SignetMasterKey";
    kms.allowRole({ roleArn, externalId: "signet-platform" });
    const key = kms.createKey("SYMMETRIC_DEFAULT");
    const before = kms.requests.length;
    const masterKey = await connect(key.arn, {
      role: { roleArn, externalId: "signet-platform", stsEndpoint: kms.endpoint },
    });
    const { plaintext, wrapped } = await masterKey.generateDataKey(org);
    dataKeys.push(plaintext);
    expect(await masterKey.unwrap(wrapped, org)).toEqual(plaintext);
    const requests = kms.requests.slice(before);
    expect(requests.map((r) => r.operation)).toEqual(["AssumeRole", "DescribeKey", "GenerateDataKey", "Decrypt"]);
    for (const request of requests.slice(1))
      expect(kms.issued.find((c) => c.accessKeyId === request.accessKeyId)?.roleArn).toBe(roleArn);
  });
});

describe("AwsKmsMasterKey.connect(): only an enabled symmetric encryption key", () => {
  it("a signing key is refused: kms.invalid_key_usage, saying what the master key must be", async () => {
    const signing = kms.createKey("ECC_NIST_P256");
    const error = await failure(connect(signing.arn), KmsError);
    expect(error).toMatchObject({ code: "kms.invalid_key_usage", keyId: signing.arn, operation: "DescribeKey" });
    expect(error.message).toContain(
      `Signet cannot use its master key: the AWS KMS master key ${signing.arn} in ${kms.region} has key usage SIGN_VERIFY, not ENCRYPT_DECRYPT`,
    );
    expect(error.message).toContain("SYMMETRIC_DEFAULT");
  });

  it("an asymmetric encryption key is refused: kms.unsupported_key", async () => {
    const rsa = kms.createKey("RSA_2048", { usage: "ENCRYPT_DECRYPT" });
    const error = await failure(connect(rsa.keyId), KmsError);
    expect(error).toMatchObject({ code: "kms.unsupported_key", keyId: rsa.arn });
    expect(error.message).toContain("has key spec RSA_2048, not SYMMETRIC_DEFAULT");
  });

  it("disabled, pending deletion, unknown, access denied: typed errors; an invalid reference never reaches KMS", async () => {
    const disabled = kms.createKey("SYMMETRIC_DEFAULT");
    kms.setMode(disabled, "disabled");
    const error = await failure(connect(disabled.arn), KmsError);
    expect(error.code).toBe("kms.key_disabled");
    expect(error.message).toContain(`aws kms enable-key --region ${kms.region} --key-id ${disabled.arn}`);

    const pending = kms.createKey("SYMMETRIC_DEFAULT");
    kms.setMode(pending, "pending_deletion");
    const pendingError = await failure(connect(pending.arn), KmsError);
    expect(pendingError.code).toBe("kms.key_pending_deletion");
    expect(pendingError.message).toContain(
      `scheduled for deletion on ${pending.deletionDate?.toISOString().slice(0, 10)}`,
    );

    const missing = `arn:aws:kms:${kms.region}:${kms.accountId}:key/00000000-0000-4000-8000-000000000000`;
    expect((await failure(connect(missing), KmsError)).code).toBe("kms.not_found");

    const denied = kms.createKey("SYMMETRIC_DEFAULT");
    kms.setMode(denied, "access_denied");
    const deniedError = await failure(connect(denied.arn), KmsError);
    expect(deniedError).toMatchObject({
      code: "kms.access_denied",
      operation: "DescribeKey",
      awsErrorName: "AccessDeniedException",
    });
    expect(deniedError.message).toContain("refused kms:DescribeKey");

    const before = kms.requests.length;
    expect((await failure(connect("not a key"), KmsError)).code).toBe("kms.invalid_reference");
    expect(kms.requests.length).toBe(before);
  });
});

describe("AwsKmsMasterKey: a master key that stops working gives typed errors about the master key", () => {
  it("access denied after start-up: kms.access_denied — 'Signet cannot decrypt organisation data keys', naming kms:Decrypt", async () => {
    const { key, masterKey } = await masterKeyOnNewKey();
    const { plaintext, wrapped } = await masterKey.generateDataKey(org);
    dataKeys.push(plaintext);
    kms.setMode(key, "access_denied");

    const error = await failure(masterKey.unwrap(wrapped, org), KmsError);
    expect(error).toMatchObject({
      code: "kms.access_denied",
      keyId: key.arn,
      region: kms.region,
      awsErrorName: "AccessDeniedException",
    });
    expect(error.operation).toBeUndefined(); // Decrypt is not one of the signing backend's KmsOperations
    expect(error.message).toMatch(
      new RegExp(
        `^Signet cannot decrypt organisation data keys: the AWS KMS master key ${key.arn} in ${kms.region} refused kms:Decrypt`,
      ),
    );
    expect(error.message).toContain("No platform-managed key can sign until this is fixed");
    expect(error.message).toContain("Allow kms:Decrypt for the AWS principal Signet runs as");
    expect(error.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);

    const creating = await failure(masterKey.generateDataKey(org), KmsError);
    expect(creating.message).toMatch(/^Signet cannot create organisation data keys: .* refused kms:GenerateDataKey/);
    const wrapping = await failure(masterKey.wrap(plaintext, org), KmsError);
    expect(wrapping.message).toMatch(/^Signet cannot wrap organisation data keys: .* refused kms:Encrypt/);
  });

  it("disabled: kms.key_disabled; pending deletion: kms.key_pending_deletion with the date (asked of DescribeKey); deleted: kms.not_found", async () => {
    const { key, masterKey } = await masterKeyOnNewKey();
    const { plaintext, wrapped } = await masterKey.generateDataKey(org);
    dataKeys.push(plaintext);

    kms.setMode(key, "disabled");
    const disabled = await failure(masterKey.unwrap(wrapped, org), KmsError);
    expect(disabled).toMatchObject({ code: "kms.key_disabled", awsErrorName: "DisabledException" });
    expect(disabled.message).toContain(
      `Signet cannot decrypt organisation data keys: the AWS KMS master key ${key.arn} in ${kms.region} is disabled.`,
    );

    kms.setMode(key, "pending_deletion");
    const before = kms.requests.length;
    const pending = await failure(masterKey.unwrap(wrapped, org), KmsError);
    expect(kms.requests.slice(before).map((r) => `${r.operation}:${r.error ?? "ok"}`)).toEqual([
      "Decrypt:KMSInvalidStateException",
      "DescribeKey:ok",
    ]);
    expect(pending.code).toBe("kms.key_pending_deletion");
    expect(pending.message).toContain(`scheduled for deletion on ${key.deletionDate?.toISOString().slice(0, 10)}`);
    expect(pending.message).toContain("cancel-key-deletion");
    expect(pending.message).toContain("lost for good");

    kms.setMode(key, "not_found");
    expect(await failure(masterKey.unwrap(wrapped, org), KmsError)).toMatchObject({
      code: "kms.not_found",
      awsErrorName: "NotFoundException",
    });
    kms.setMode(key, "ok");
    expect(await masterKey.unwrap(wrapped, org)).toEqual(plaintext);
  });

  it("throttled: kms.throttled (a passing throttle is retried); slow: kms.timeout", async () => {
    const { key, masterKey } = await masterKeyOnNewKey();
    const { plaintext, wrapped } = await masterKey.generateDataKey(org);
    dataKeys.push(plaintext);
    const retrying = await connect(key.arn, { maxAttempts: 3 });
    const slow = await connect(key.arn, { timeouts: { connectMs: 1_000, attemptMs: 300, totalMs: 5_000 } });
    kms.setMode(key, "throttled");
    const throttled = await failure(masterKey.unwrap(wrapped, org), KmsError);
    expect(throttled).toMatchObject({ code: "kms.throttled", awsErrorName: "ThrottlingException" });
    expect(throttled.message).toContain("AWS KMS is throttling kms:Decrypt requests");

    kms.setMode(key, "throttled", { throttleCount: 1 });
    expect(await retrying.unwrap(wrapped, org)).toEqual(plaintext);

    kms.setMode(key, "slow", { delayMs: 2_000 });
    const started = Date.now();
    const timeout = await failure(slow.unwrap(wrapped, org), KmsError);
    expect(timeout.code).toBe("kms.timeout");
    expect(timeout.message).toContain("did not answer Decrypt");
    expect(timeout.message).toContain("300 ms per attempt");
    expect(Date.now() - started).toBeLessThan(1_900);
    kms.setMode(key, "ok");
  });

  it("no error carries a data key, a credential or the SDK's request", () => {
    expect(errors.length).toBeGreaterThan(10);
    expect(dataKeys.length).toBeGreaterThan(5);
    for (const error of errors) {
      const dumped = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error)].join("\n");
      for (const dataKey of dataKeys) {
        if (dataKey.every((byte) => byte === 0)) continue;
        for (const encoding of ["base64", "hex", "base64url"] as const)
          expect(dumped).not.toContain(dataKey.toString(encoding));
      }
      expect(dumped).not.toContain(kms.credentials.secretAccessKey);
      expect(dumped).not.toContain("AWS4-HMAC-SHA256");
      const cause = (error as Error).cause;
      expect(
        cause === undefined || (cause instanceof Error && !("$response" in cause) && !("$metadata" in cause)),
      ).toBe(true);
    }
  });
});
