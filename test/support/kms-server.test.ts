/**
 * The test KMS must behave as AWS documents, or the backend's tests prove nothing.
 * Checked here with the real SDK client (and raw HTTP for what the SDK never sends).
 */
import { createHash, verify } from "node:crypto";
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
  type SigningAlgorithmSpec,
} from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKms, type TestKmsKeySpec, type TestKmsServer } from "@/test/support/kms-server";

let kms: TestKmsServer;
let client: KMSClient;
beforeAll(async () => {
  kms = await startTestKms();
  client = new KMSClient({ region: kms.region, endpoint: kms.endpoint, credentials: kms.credentials, maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
});

const message = new TextEncoder().encode("a message of a few bytes");

const CASES: [TestKmsKeySpec, SigningAlgorithmSpec, string][] = [
  ["RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", "sha256"],
  ["RSA_3072", "RSASSA_PKCS1_V1_5_SHA_384", "sha384"],
  ["RSA_4096", "RSASSA_PKCS1_V1_5_SHA_512", "sha512"],
  ["ECC_NIST_P256", "ECDSA_SHA_256", "sha256"],
  ["ECC_NIST_P384", "ECDSA_SHA_384", "sha384"],
  ["ECC_NIST_P521", "ECDSA_SHA_512", "sha512"],
];

describe("test KMS endpoint: Sign semantics of MessageType", () => {
  for (const [spec, algorithm, hash] of CASES) {
    it(`${spec} ${algorithm}: RAW hashes the message; DIGEST signs the given digest as is; both verify over the message`, async () => {
      const key = kms.createKey(spec);
      const publicKey = spec.startsWith("ECC") ? { key: key.publicKey, dsaEncoding: "der" as const } : key.publicKey;
      const raw = await client.send(
        new SignCommand({ KeyId: key.keyId, Message: message, MessageType: "RAW", SigningAlgorithm: algorithm }),
      );
      const messageDigest = createHash(hash).update(message).digest();
      const fromDigest = await client.send(
        new SignCommand({ KeyId: key.arn, Message: messageDigest, MessageType: "DIGEST", SigningAlgorithm: algorithm }),
      );
      for (const signature of [raw.Signature, fromDigest.Signature]) {
        expect(signature).toBeInstanceOf(Uint8Array);
        expect(verify(hash, message, publicKey, signature as Uint8Array)).toBe(true);
      }
      if (spec.startsWith("RSA"))
        expect(Buffer.from(raw.Signature as Uint8Array)).toEqual(Buffer.from(fromDigest.Signature as Uint8Array)); // deterministic
      // RAW over a digest signs hash(digest): it does not verify over the message (AWS's warning about double hashing)
      const doubled = await client.send(
        new SignCommand({ KeyId: key.arn, Message: messageDigest, MessageType: "RAW", SigningAlgorithm: algorithm }),
      );
      expect(verify(hash, message, publicKey, doubled.Signature as Uint8Array)).toBe(false);
      expect(raw).toMatchObject({ KeyId: key.arn, SigningAlgorithm: algorithm });
    });
  }

  it("RAW accepts at most 4096 bytes; DIGEST needs exactly the hash's length; ECC keys have one algorithm", async () => {
    const key = kms.createKey("ECC_NIST_P256");
    await expect(
      client.send(
        new SignCommand({
          KeyId: key.arn,
          Message: new Uint8Array(4096),
          MessageType: "RAW",
          SigningAlgorithm: "ECDSA_SHA_256",
        }),
      ),
    ).resolves.toBeDefined();
    await expect(
      client.send(
        new SignCommand({
          KeyId: key.arn,
          Message: new Uint8Array(4097),
          MessageType: "RAW",
          SigningAlgorithm: "ECDSA_SHA_256",
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException" });
    await expect(
      client.send(
        new SignCommand({
          KeyId: key.arn,
          Message: new Uint8Array(48),
          MessageType: "DIGEST",
          SigningAlgorithm: "ECDSA_SHA_256",
        }),
      ),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: "Digest is invalid length for algorithm ECDSA_SHA_256.",
    });
    await expect(
      client.send(
        new SignCommand({
          KeyId: key.arn,
          Message: new Uint8Array(64),
          MessageType: "DIGEST",
          SigningAlgorithm: "ECDSA_SHA_512",
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidKeyUsageException" });
  });
});

describe("test KMS endpoint: SigV4 is required and checked", () => {
  async function post(headers: Record<string, string>): Promise<{ status: number; body: { __type?: string } }> {
    const response = await fetch(kms.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.DescribeKey", ...headers },
      body: JSON.stringify({ KeyId: kms.createKey("ECC_NIST_P256").keyId }),
    });
    return { status: response.status, body: (await response.json()) as { __type?: string } };
  }

  it("rejects a request without Authorization, a forged signature, a wrong secret and a wrong region scope", async () => {
    expect(await post({})).toEqual({
      status: 400,
      body: expect.objectContaining({ __type: "MissingAuthenticationTokenException" }),
    });
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d+Z$/, "Z");
    const forged = `AWS4-HMAC-SHA256 Credential=${kms.credentials.accessKeyId}/${amzDate.slice(0, 8)}/${kms.region}/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`;
    expect((await post({ authorization: forged, "x-amz-date": amzDate })).body.__type).toBe(
      "InvalidSignatureException",
    );

    const wrongSecret = new KMSClient({
      region: kms.region,
      endpoint: kms.endpoint,
      credentials: { ...kms.credentials, secretAccessKey: "nope" },
      maxAttempts: 1,
    });
    const wrongRegion = new KMSClient({
      region: "us-east-1",
      endpoint: kms.endpoint,
      credentials: kms.credentials,
      maxAttempts: 1,
    });
    try {
      const key = kms.createKey("ECC_NIST_P256");
      const command = () => new SignCommand({ KeyId: key.arn, Message: message, SigningAlgorithm: "ECDSA_SHA_256" });
      await expect(wrongSecret.send(command())).rejects.toMatchObject({ name: "InvalidSignatureException" });
      await expect(wrongRegion.send(command())).rejects.toMatchObject({ name: "InvalidSignatureException" });
    } finally {
      wrongSecret.destroy();
      wrongRegion.destroy();
    }
  });
});

describe("test KMS endpoint: symmetric encryption keys (GenerateDataKey, Encrypt, Decrypt)", () => {
  const context = { "signet:org": "org-1", purpose: "test" };

  it("DescribeKey reports SYMMETRIC_DEFAULT / ENCRYPT_DECRYPT; the key material is 256 bits", async () => {
    const key = kms.createKey("SYMMETRIC_DEFAULT");
    expect(key.secret.length).toBe(32);
    const described = await client.send(new DescribeKeyCommand({ KeyId: key.keyId }));
    expect(described.KeyMetadata).toMatchObject({
      Arn: key.arn,
      KeySpec: "SYMMETRIC_DEFAULT",
      CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
      KeyUsage: "ENCRYPT_DECRYPT",
      KeyState: "Enabled",
      Enabled: true,
      EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
    });
    expect(described.KeyMetadata?.SigningAlgorithms).toBeUndefined();
  });

  it("GenerateDataKey: AES_256 (32 bytes) or NumberOfBytes; the blob decrypts without a KeyId (it names its key), with the same context", async () => {
    const key = kms.createKey("SYMMETRIC_DEFAULT", { alias: "alias/signet-master-test" });
    const generated = await client.send(
      new GenerateDataKeyCommand({ KeyId: "alias/signet-master-test", KeySpec: "AES_256", EncryptionContext: context }),
    );
    expect(generated.KeyId).toBe(key.arn);
    expect(generated.Plaintext?.length).toBe(32);
    const blob = generated.CiphertextBlob as Uint8Array;
    expect(Buffer.from(blob).includes(Buffer.from(generated.Plaintext as Uint8Array))).toBe(false);

    const decrypted = await client.send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { purpose: "test", "signet:org": "org-1" } }),
    ); // pair order does not matter
    expect(decrypted).toMatchObject({ KeyId: key.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
    expect(Buffer.from(decrypted.Plaintext as Uint8Array)).toEqual(Buffer.from(generated.Plaintext as Uint8Array));
    const withKeyId = await client.send(
      new DecryptCommand({ KeyId: key.arn, CiphertextBlob: blob, EncryptionContext: context }),
    );
    expect(Buffer.from(withKeyId.Plaintext as Uint8Array)).toEqual(Buffer.from(generated.Plaintext as Uint8Array));

    const bytes = await client.send(new GenerateDataKeyCommand({ KeyId: key.keyId, NumberOfBytes: 64 }));
    expect(bytes.Plaintext?.length).toBe(64);
    expect(
      (await client.send(new GenerateDataKeyCommand({ KeyId: key.keyId, KeySpec: "AES_128" }))).Plaintext?.length,
    ).toBe(16);
    await expect(client.send(new GenerateDataKeyCommand({ KeyId: key.keyId }))).rejects.toMatchObject({
      name: "ValidationException",
    });
    await expect(
      client.send(new GenerateDataKeyCommand({ KeyId: key.keyId, KeySpec: "AES_256", NumberOfBytes: 32 })),
    ).rejects.toMatchObject({ name: "ValidationException" });
    await expect(
      client.send(new GenerateDataKeyCommand({ KeyId: key.keyId, NumberOfBytes: 1025 })),
    ).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("Encrypt → Decrypt; Plaintext and CiphertextBlob travel as base64 in signed AWS JSON 1.1 requests", async () => {
    const key = kms.createKey("SYMMETRIC_DEFAULT");
    const plaintext = new TextEncoder().encode("thirty-two bytes of a data key!!");
    const before = kms.requests.length;
    const encrypted = await client.send(
      new EncryptCommand({ KeyId: key.arn, Plaintext: plaintext, EncryptionContext: context }),
    );
    expect(encrypted).toMatchObject({ KeyId: key.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
    const decrypted = await client.send(
      new DecryptCommand({ KeyId: key.keyId, CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(decrypted.Plaintext as Uint8Array)).toEqual(Buffer.from(plaintext));

    const [encrypt, decrypt] = kms.requests.slice(before);
    expect(encrypt).toMatchObject({ service: "kms", operation: "Encrypt", accessKeyId: kms.credentials.accessKeyId });
    expect(encrypt?.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(encrypt?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
    expect(encrypt?.body).toEqual({
      KeyId: key.arn,
      Plaintext: Buffer.from(plaintext).toString("base64"),
      EncryptionContext: context,
    });
    expect(decrypt?.body.CiphertextBlob).toBe(Buffer.from(encrypted.CiphertextBlob as Uint8Array).toString("base64"));

    await expect(
      client.send(new EncryptCommand({ KeyId: key.arn, Plaintext: new Uint8Array(4097) })),
    ).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("another context, no context, an altered blob → InvalidCiphertextException; another key's KeyId → IncorrectKeyException", async () => {
    const key = kms.createKey("SYMMETRIC_DEFAULT");
    const other = kms.createKey("SYMMETRIC_DEFAULT");
    const { CiphertextBlob: blob } = await client.send(
      new EncryptCommand({ KeyId: key.arn, Plaintext: new Uint8Array(32).fill(7), EncryptionContext: context }),
    );
    const decrypt = (input: Partial<ConstructorParameters<typeof DecryptCommand>[0]>) =>
      client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context, ...input }));
    await expect(decrypt({ EncryptionContext: { ...context, "signet:org": "org-2" } })).rejects.toMatchObject({
      name: "InvalidCiphertextException",
    });
    await expect(decrypt({ EncryptionContext: { ...context, Purpose: "test" } })).rejects.toMatchObject({
      name: "InvalidCiphertextException",
    }); // keys are case-sensitive
    await expect(decrypt({ EncryptionContext: undefined })).rejects.toMatchObject({
      name: "InvalidCiphertextException",
    });
    const altered = Buffer.from(blob as Uint8Array);
    altered[altered.length - 20] = (altered[altered.length - 20] ?? 0) ^ 1;
    await expect(decrypt({ CiphertextBlob: altered })).rejects.toMatchObject({ name: "InvalidCiphertextException" });
    await expect(decrypt({ CiphertextBlob: new Uint8Array([1, 2, 3]) })).rejects.toMatchObject({
      name: "InvalidCiphertextException",
    });
    await expect(decrypt({ KeyId: other.arn })).rejects.toMatchObject({ name: "IncorrectKeyException" });
    await expect(decrypt({ KeyId: key.arn })).resolves.toMatchObject({ KeyId: key.arn });
  });

  it("key usage is enforced both ways: Sign/GetPublicKey on a symmetric key, GenerateDataKey/Encrypt on a signing key → InvalidKeyUsageException", async () => {
    const symmetric = kms.createKey("SYMMETRIC_DEFAULT");
    const signing = kms.createKey("ECC_NIST_P256");
    await expect(
      client.send(new SignCommand({ KeyId: symmetric.arn, Message: message, SigningAlgorithm: "ECDSA_SHA_256" })),
    ).rejects.toMatchObject({
      name: "InvalidKeyUsageException",
    });
    await expect(client.send(new GetPublicKeyCommand({ KeyId: symmetric.arn }))).rejects.toMatchObject({
      name: "InvalidKeyUsageException",
    });
    await expect(
      client.send(new GenerateDataKeyCommand({ KeyId: signing.arn, KeySpec: "AES_256" })),
    ).rejects.toMatchObject({
      name: "InvalidKeyUsageException",
      message: `${signing.arn} key usage is SIGN_VERIFY which is not valid for GenerateDataKey.`,
    });
    await expect(client.send(new EncryptCommand({ KeyId: signing.arn, Plaintext: message }))).rejects.toMatchObject({
      name: "InvalidKeyUsageException",
    });
    const rsaEncryption = kms.createKey("RSA_2048", { usage: "ENCRYPT_DECRYPT" });
    await expect(
      client.send(new GenerateDataKeyCommand({ KeyId: rsaEncryption.arn, KeySpec: "AES_256" })),
    ).rejects.toMatchObject({ name: "InvalidKeyUsageException" });
  });

  it("the failure modes apply: access denied names the operation, disabled, pending deletion, deleted, throttled", async () => {
    const key = kms.createKey("SYMMETRIC_DEFAULT");
    const { CiphertextBlob: blob } = await client.send(
      new GenerateDataKeyCommand({ KeyId: key.arn, KeySpec: "AES_256", EncryptionContext: context }),
    );
    const decrypt = () => client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }));
    kms.setMode(key, "access_denied");
    await expect(decrypt()).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: expect.stringContaining(`not authorized to perform: kms:Decrypt on resource: ${key.arn}`),
    });
    await expect(client.send(new GenerateDataKeyCommand({ KeyId: key.arn, KeySpec: "AES_256" }))).rejects.toMatchObject(
      {
        name: "AccessDeniedException",
        message: expect.stringContaining("kms:GenerateDataKey"),
      },
    );
    kms.setMode(key, "disabled");
    await expect(decrypt()).rejects.toMatchObject({ name: "DisabledException" });
    kms.setMode(key, "pending_deletion");
    await expect(client.send(new EncryptCommand({ KeyId: key.arn, Plaintext: message }))).rejects.toMatchObject({
      name: "KMSInvalidStateException",
    });
    kms.setMode(key, "throttled");
    await expect(decrypt()).rejects.toMatchObject({ name: "ThrottlingException" });
    kms.setMode(key, "not_found");
    await expect(decrypt()).rejects.toMatchObject({ name: "NotFoundException" });
    kms.setMode(key, "ok");
    await expect(decrypt()).resolves.toMatchObject({ KeyId: key.arn });
  });
});
