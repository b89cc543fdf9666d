/**
 * The test KMS must behave as AWS documents, or the backend's tests prove nothing.
 * Checked here with the real SDK client (and raw HTTP for what the SDK never sends).
 */
import { createHash, verify } from "node:crypto";
import { KMSClient, SignCommand, type SigningAlgorithmSpec } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKms, type TestKmsKeySpec, type TestKmsServer } from "./kms-server";

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
      const raw = await client.send(new SignCommand({ KeyId: key.keyId, Message: message, MessageType: "RAW", SigningAlgorithm: algorithm }));
      const messageDigest = createHash(hash).update(message).digest();
      const fromDigest = await client.send(new SignCommand({ KeyId: key.arn, Message: messageDigest, MessageType: "DIGEST", SigningAlgorithm: algorithm }));
      for (const signature of [raw.Signature, fromDigest.Signature]) {
        expect(signature).toBeInstanceOf(Uint8Array);
        expect(verify(hash, message, publicKey, signature as Uint8Array)).toBe(true);
      }
      if (spec.startsWith("RSA")) expect(Buffer.from(raw.Signature as Uint8Array)).toEqual(Buffer.from(fromDigest.Signature as Uint8Array)); // deterministic
      // RAW over a digest signs hash(digest): it does not verify over the message (AWS's warning about double hashing)
      const doubled = await client.send(new SignCommand({ KeyId: key.arn, Message: messageDigest, MessageType: "RAW", SigningAlgorithm: algorithm }));
      expect(verify(hash, message, publicKey, doubled.Signature as Uint8Array)).toBe(false);
      expect(raw).toMatchObject({ KeyId: key.arn, SigningAlgorithm: algorithm });
    });
  }

  it("RAW accepts at most 4096 bytes; DIGEST needs exactly the hash's length; ECC keys have one algorithm", async () => {
    const key = kms.createKey("ECC_NIST_P256");
    await expect(client.send(new SignCommand({ KeyId: key.arn, Message: new Uint8Array(4096), MessageType: "RAW", SigningAlgorithm: "ECDSA_SHA_256" }))).resolves.toBeDefined();
    await expect(
      client.send(new SignCommand({ KeyId: key.arn, Message: new Uint8Array(4097), MessageType: "RAW", SigningAlgorithm: "ECDSA_SHA_256" })),
    ).rejects.toMatchObject({ name: "ValidationException" });
    await expect(
      client.send(new SignCommand({ KeyId: key.arn, Message: new Uint8Array(48), MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_256" })),
    ).rejects.toMatchObject({ name: "ValidationException", message: "Digest is invalid length for algorithm ECDSA_SHA_256." });
    await expect(
      client.send(new SignCommand({ KeyId: key.arn, Message: new Uint8Array(64), MessageType: "DIGEST", SigningAlgorithm: "ECDSA_SHA_512" })),
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
    expect(await post({})).toEqual({ status: 400, body: expect.objectContaining({ __type: "MissingAuthenticationTokenException" }) });
    const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const forged = `AWS4-HMAC-SHA256 Credential=${kms.credentials.accessKeyId}/${amzDate.slice(0, 8)}/${kms.region}/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`;
    expect((await post({ authorization: forged, "x-amz-date": amzDate })).body.__type).toBe("InvalidSignatureException");

    const wrongSecret = new KMSClient({ region: kms.region, endpoint: kms.endpoint, credentials: { ...kms.credentials, secretAccessKey: "nope" }, maxAttempts: 1 });
    const wrongRegion = new KMSClient({ region: "us-east-1", endpoint: kms.endpoint, credentials: kms.credentials, maxAttempts: 1 });
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
