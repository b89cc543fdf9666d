import { createHash, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestKms, type TestKmsKeySpec, type TestKmsServer } from "@/test/support/kms-server";
import { registerTestKmsKey, type RegisteredTestKey } from "@/test/support/kms-fixtures";
import { parseAuthorization } from "@/test/support/kms-sigv4";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digest } from "@/lib/engine/crypto/hash";

let kms: TestKmsServer;
const registered = new Map<TestKmsKeySpec, RegisteredTestKey>();

beforeAll(async () => {
  kms = await startTestKms();
  for (const spec of ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521"] as const) {
    registered.set(spec, await registerTestKmsKey(kms, spec));
  }
});
afterAll(async () => {
  for (const { backend } of registered.values()) backend.destroy();
  await kms?.stop();
});

function get(spec: TestKmsKeySpec): RegisteredTestKey {
  const entry = registered.get(spec);
  if (!entry) throw new Error(`no ${spec}`);
  return entry;
}

const nodeHash = (hash: HashAlgorithm): string => hash.replace("-", "").toLowerCase();
const message = new TextEncoder().encode("DER of the signed attributes, as a SET");

const CASES: [TestKmsKeySpec, HashAlgorithm, string][] = [
  ["RSA_2048", "SHA-256", "RSASSA_PKCS1_V1_5_SHA_256"],
  ["RSA_2048", "SHA-384", "RSASSA_PKCS1_V1_5_SHA_384"],
  ["RSA_2048", "SHA-512", "RSASSA_PKCS1_V1_5_SHA_512"],
  ["RSA_3072", "SHA-256", "RSASSA_PKCS1_V1_5_SHA_256"],
  ["RSA_4096", "SHA-512", "RSASSA_PKCS1_V1_5_SHA_512"],
  ["ECC_NIST_P256", "SHA-256", "ECDSA_SHA_256"],
  ["ECC_NIST_P384", "SHA-384", "ECDSA_SHA_384"],
  ["ECC_NIST_P521", "SHA-512", "ECDSA_SHA_512"],
];

describe("AwsKmsKeyBackend.sign through @aws-sdk/client-kms over HTTP", () => {
  for (const [spec, hash, algorithm] of CASES) {
    it(`${spec} / ${hash}: Sign with MessageType DIGEST and ${algorithm}; the signature verifies over the message, not over its digest`, async () => {
      const { key, backend } = get(spec);
      const before = kms.requests.length;
      const signature = await backend.sign({ message, digest: digest(hash, message), hash });

      const [request, ...more] = kms.requests.slice(before);
      expect(more).toEqual([]);
      expect(request).toMatchObject({
        operation: "Sign",
        body: { KeyId: key.arn, MessageType: "DIGEST", SigningAlgorithm: algorithm },
      });
      // DIGEST semantics: what went to KMS is the digest itself, and KMS did not hash it again.
      expect(request?.body.Message).toBe(Buffer.from(digest(hash, message)).toString("base64"));
      const publicKey = spec.startsWith("ECC") ? { key: key.publicKey, dsaEncoding: "der" as const } : key.publicKey;
      expect(verify(nodeHash(hash), message, publicKey, signature)).toBe(true);
      expect(verify(nodeHash(hash), digest(hash, message), publicKey, signature)).toBe(false);
      if (spec.startsWith("ECC"))
        expect(signature[0]).toBe(0x30); // DER ECDSA-Sig-Value
      else expect(signature.length).toBe(Number(spec.slice(4)) / 8);
    });
  }

  it("reports the algorithm and the registered public key without calling KMS", async () => {
    const { backend, key } = get("ECC_NIST_P384");
    const before = kms.requests.length;
    expect(await backend.keyAlgorithm()).toEqual({ kind: "EC", curve: "P-384" });
    expect(Buffer.from(await backend.publicKey())).toEqual(Buffer.from(key.spki));
    expect(backend.supportedHashes()).toEqual(["SHA-384"]);
    expect(get("RSA_2048").backend.supportedHashes()).toEqual(["SHA-256", "SHA-384", "SHA-512"]);
    expect(backend.description).toBe(`AWS KMS key ${key.arn} (${kms.region})`);
    expect(kms.requests.length).toBe(before);
  });

  it("refuses, before any KMS call, a hash the ECC key cannot sign with and a digest that is not the message's", async () => {
    const { backend } = get("ECC_NIST_P384");
    const before = kms.requests.length;
    await expect(backend.sign({ message, digest: digest("SHA-256", message), hash: "SHA-256" })).rejects.toMatchObject({
      code: "kms.unsupported_hash",
      message: expect.stringContaining("signs only SHA-384 digests, not SHA-256"),
    });
    const wrong = new Uint8Array(createHash("sha384").update("something else").digest());
    await expect(backend.sign({ message, digest: wrong, hash: "SHA-384" })).rejects.toMatchObject({
      code: "key.digest_mismatch",
    });
    expect(kms.requests.length).toBe(before);
  });

  it("signs every request with SigV4 under the configured credentials, and the endpoint checked each signature", async () => {
    const kmsRequests = kms.requests.filter((r) => r.service === "kms");
    expect(kmsRequests.length).toBeGreaterThan(10);
    for (const request of kmsRequests) {
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
      expect(request.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
      expect(request.headers["x-amz-target"]).toBe(`TrentService.${request.operation}`);
      expect(request.headers["content-type"]).toBe("application/x-amz-json-1.1");
      const auth = parseAuthorization(String(request.headers.authorization));
      expect(auth).toMatchObject({ accessKeyId: kms.credentials.accessKeyId, region: kms.region, service: "kms" });
      expect(auth?.signedHeaders).toEqual(
        expect.arrayContaining(["host", "x-amz-date", "x-amz-target", "content-type"]),
      );
      expect(request.accessKeyId).toBe(kms.credentials.accessKeyId); // set only when the signature verified
    }
  });
});
