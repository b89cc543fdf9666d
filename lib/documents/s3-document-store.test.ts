import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDocumentSettings } from "@/lib/documents/document-settings";
import { checkDocumentStore } from "@/lib/health/document-store-check";
import { LocalDocumentStore } from "@/lib/documents/local-document-store";
import { documentStoreFor } from "@/lib/documents/process-document-store";
import { MIN_PART_BYTES, S3DocumentStore, type S3DocumentStoreOptions } from "@/lib/documents/s3-document-store";
import { chunkedStream, documentStoreContract, sha256 } from "@/test/support/document-store-contract";
import { startTestS3, type TestS3Server } from "@/test/support/s3-server";

// The real @aws-sdk/client-s3 over HTTP against the S3-compatible endpoint of test/support/s3-server.ts.
let server: TestS3Server;
const BUCKET = "signet-documents";
const PREFIX = "tenant-a/docs/";

beforeAll(async () => {
  server = await startTestS3();
  server.createBucket(BUCKET);
});
afterAll(() => server.stop());

function s3Store(options: Partial<S3DocumentStoreOptions> = {}): S3DocumentStore {
  return new S3DocumentStore({
    bucket: BUCKET,
    prefix: PREFIX,
    region: server.region,
    endpoint: server.endpoint,
    encryption: { type: "none" },
    credentials: server.credentials,
    partBytes: MIN_PART_BYTES,
    ...options,
  });
}

const operations = (since: number) => server.requests.slice(since).map((request) => request.operation);
const objectsUnderPrefix = () => [...server.objects(BUCKET).keys()].filter((name) => name.startsWith(PREFIX));

describe("S3DocumentStore", () => {
  let store: S3DocumentStore;
  beforeAll(() => {
    store = s3Store();
  });

  documentStoreContract({
    store: () => store,
    objectKeys: async () => {
      const keys: string[] = [];
      for await (const key of store.keys()) keys.push(key);
      return keys;
    },
    leftovers: async () => [...server.uploads.keys()],
  });

  it("puts each object under the prefix, with a signed request, in one PutObject when it fits in a part", async () => {
    const since = server.requests.length;
    const stored = await store.put([new Uint8Array([1, 2]), new Uint8Array([3])]);
    expect(operations(since)).toEqual(["PutObject"]);
    const object = server.objects(BUCKET).get(`${PREFIX}${stored.key}`);
    expect(object?.body.equals(Buffer.from([1, 2, 3]))).toBe(true);
    expect(object?.sse).toBeUndefined();
    expect(server.requests.at(-1)).toMatchObject({ accessKeyId: server.credentials.accessKeyId, status: 200 });
    expect(server.requests.at(-1)?.headers["x-amz-server-side-encryption"]).toBeUndefined();
  });

  it("streams a 20 MB original ‖ update through a multipart upload of 5 MiB parts", async () => {
    const original = chunkedStream(15_000_000, 1 << 20);
    const update = chunkedStream(5_000_000, 1 << 20);
    async function* twoParts(): AsyncGenerator<Uint8Array> {
      for (const stream of [original.stream, update.stream]) {
        const reader = stream.getReader();
        for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
      }
    }
    const since = server.requests.length;
    const stored = await store.put(twoParts(), { maxBytes: 50_000_000 });
    const whole = Buffer.concat([original.bytes, update.bytes]);
    expect(stored).toMatchObject({ size: 20_000_000, sha256: sha256(whole) });
    // 20,000,000 bytes = three parts of 5,242,880 and a last one of 4,271,360.
    expect(operations(since)).toEqual([
      "CreateMultipartUpload",
      "UploadPart",
      "UploadPart",
      "UploadPart",
      "UploadPart",
      "CompleteMultipartUpload",
    ]);
    const parts = server.requests.slice(since).filter((request) => request.operation === "UploadPart");
    expect(parts.map((part) => part.bodyBytes)).toEqual([MIN_PART_BYTES, MIN_PART_BYTES, MIN_PART_BYTES, 4_271_360]);
    // Each part carries its CRC32, which the server checked; the upload was created for it.
    expect(parts.every((part) => typeof part.headers["x-amz-checksum-crc32"] === "string")).toBe(true);
    const object = server.objects(BUCKET).get(`${PREFIX}${stored.key}`);
    expect(object?.parts).toBe(4);
    expect(object?.etag).toMatch(/-4"$/);
    expect(Buffer.from(await store.get(stored.key)).equals(whole)).toBe(true);
    const { size, body } = await store.stream(stored.key);
    expect(size).toBe(20_000_000);
    expect(sha256(new Uint8Array(await new Response(body).arrayBuffer()))).toBe(stored.sha256);
    expect(server.uploads.size).toBe(0);
  });

  it("lists the keys under its prefix only, page after page", async () => {
    const other = s3Store({ prefix: "tenant-b/" });
    const mine = await Promise.all([1, 2, 3].map((n) => other.put([new Uint8Array([n])])));
    server
      .objects(BUCKET)
      .set("tenant-b/not-a-key.txt", { ...server.objects(BUCKET).get(`tenant-b/${mine[0]!.key}`)! });
    const since = server.requests.length;
    const listed: string[] = [];
    for await (const key of other.keys(2)) listed.push(key);
    expect(listed.sort()).toEqual(mine.map((stored) => stored.key).sort());
    expect(operations(since)).toEqual(["ListObjectsV2", "ListObjectsV2"]);
    const all: string[] = [];
    for await (const key of store.keys()) all.push(key);
    expect(all.some((key) => mine.some((stored) => stored.key === key))).toBe(false);
  });

  it("reads the body no further than one part ahead of what the server has received", async () => {
    const since = server.requests.length;
    const chunk = 256 * 1024;
    let pulled = 0;
    let furthestAhead = 0;
    const received = () =>
      server.requests
        .slice(since)
        .filter((request) => request.operation === "UploadPart")
        .reduce((sum, request) => sum + request.bodyBytes, 0);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 24 * 1024 * 1024) return controller.close();
        pulled += chunk;
        furthestAhead = Math.max(furthestAhead, pulled - received());
        controller.enqueue(new Uint8Array(chunk).fill(pulled % 251));
      },
    });
    const stored = await store.put(body);
    expect(stored.size).toBe(24 * 1024 * 1024);
    expect(received()).toBe(24 * 1024 * 1024);
    // A part is gathered (5 MiB), sent, and only then is the next one read.
    expect(furthestAhead).toBeGreaterThan(MIN_PART_BYTES - chunk);
    expect(furthestAhead).toBeLessThanOrEqual(MIN_PART_BYTES + 2 * chunk);
  });

  it("aborts the multipart upload when the body fails after some parts went up: no object, no dangling upload", async () => {
    const before = objectsUnderPrefix().length;
    const since = server.requests.length;
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 12_000_000) return controller.error(new Error("connection reset"));
        sent += 1_000_000;
        controller.enqueue(new Uint8Array(1_000_000).fill(7));
      },
    });
    await expect(store.put(failing)).rejects.toThrow("connection reset");
    expect(operations(since)).toEqual(["CreateMultipartUpload", "UploadPart", "UploadPart", "AbortMultipartUpload"]);
    expect(server.requests.at(-1)?.status).toBe(204);
    expect(server.uploads.size).toBe(0);
    expect(objectsUnderPrefix().length).toBe(before);
  });

  it("refuses past maxBytes in the middle of a multipart upload, and aborts it", async () => {
    const since = server.requests.length;
    const { stream } = chunkedStream(30_000_000, 1 << 20);
    await expect(store.put(stream, { maxBytes: 12_000_000 })).rejects.toMatchObject({ code: "document.too_large" });
    expect(operations(since).at(-1)).toBe("AbortMultipartUpload");
    expect(server.uploads.size).toBe(0);
  });

  it("asks for SSE-S3 on a PutObject, and for SSE-KMS with the key on a multipart upload, when configured", async () => {
    const aes = s3Store({ encryption: { type: "AES256" } });
    const small = await aes.put([new Uint8Array(10)]);
    expect(server.requests.at(-1)?.headers["x-amz-server-side-encryption"]).toBe("AES256");
    expect(server.objects(BUCKET).get(`${PREFIX}${small.key}`)?.sse).toBe("AES256");

    const keyId = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const kms = s3Store({ encryption: { type: "aws:kms", kmsKeyId: keyId } });
    const since = server.requests.length;
    const large = await kms.put([new Uint8Array(MIN_PART_BYTES), new Uint8Array(100)]);
    const create = server.requests.slice(since).find((request) => request.operation === "CreateMultipartUpload");
    expect(create?.headers["x-amz-server-side-encryption"]).toBe("aws:kms");
    expect(create?.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe(keyId);
    expect(server.objects(BUCKET).get(`${PREFIX}${large.key}`)).toMatchObject({
      sse: "aws:kms",
      sseKmsKeyId: keyId,
      parts: 2,
    });
  });

  it("says access was refused, keeps nothing and names no credential, when the credentials may not write", async () => {
    const before = objectsUnderPrefix().length;
    const denied = s3Store({ credentials: server.deniedCredentials });
    const error = await denied.put([new Uint8Array(MIN_PART_BYTES + 1)]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "document.storage_denied", status: 503 });
    const message = (error as Error).message;
    expect(message).toMatch(
      /refused access \(s3:\/\/signet-documents\/tenant-a\/docs\/ at http:\/\/127\.0\.0\.1:\d+\): AccessDenied/,
    );
    expect(message).toContain("Check the AWS credentials");
    expect(message).not.toContain(server.deniedCredentials.accessKeyId);
    expect(message).not.toContain(server.deniedCredentials.secretAccessKey);
    expect(server.requests.at(-1)).toMatchObject({ error: "AccessDenied", status: 403 });
    expect(objectsUnderPrefix().length).toBe(before);
    expect(server.uploads.size).toBe(0);
    await expect(denied.get("0".repeat(32))).rejects.toMatchObject({ code: "document.storage_denied" });

    const wrongSecret = s3Store({
      credentials: { accessKeyId: server.credentials.accessKeyId, secretAccessKey: "not-the-secret" },
    });
    const refused = await wrongSecret.put([new Uint8Array(3)]).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "document.storage_denied" });
    expect((refused as Error).message).toContain("SignatureDoesNotMatch");
    expect((refused as Error).message).not.toContain("not-the-secret");
    expect(objectsUnderPrefix().length).toBe(before);
  });

  it("passes the readiness probe (put, read back, remove) and leaves nothing; fails it with the typed refusal", async () => {
    const before = objectsUnderPrefix().length;
    await checkDocumentStore(store);
    expect(objectsUnderPrefix().length).toBe(before);
    await expect(checkDocumentStore(s3Store({ credentials: server.deniedCredentials }))).rejects.toMatchObject({
      code: "document.storage_denied",
    });
  });

  it("says the bucket does not exist, and that the endpoint cannot be reached", async () => {
    await expect(s3Store({ bucket: "no-such-bucket" }).put([new Uint8Array(1)])).rejects.toMatchObject({
      code: "document.storage_no_bucket",
      message: expect.stringMatching(/bucket does not exist \(s3:\/\/no-such-bucket\/tenant-a\/docs\//),
    });
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = s3Store({ endpoint: `http://127.0.0.1:${port}` });
    await expect(unreachable.put([new Uint8Array(1)])).rejects.toMatchObject({
      code: "document.storage_unreachable",
      message: expect.stringMatching(/cannot be reached .*ECONNREFUSED.*SIGNET_S3_ENDPOINT/),
    });
  });
});

describe("document settings for S3", () => {
  it("reads SIGNET_DOCUMENT_STORE=s3://BUCKET/PREFIX and the SIGNET_S3_* variables; unset means local disk", () => {
    expect(
      readDocumentSettings({
        SIGNET_DOCUMENT_STORE: "s3://signet-docs/prod/documents/",
        SIGNET_S3_ENDPOINT: "https://minio.internal:9000",
        SIGNET_S3_SSE: "aws:kms",
        SIGNET_S3_SSE_KMS_KEY_ID: "alias/signet",
      }).s3,
    ).toEqual({
      bucket: "signet-docs",
      prefix: "prod/documents/",
      region: "us-east-1",
      endpoint: "https://minio.internal:9000",
      encryption: { type: "aws:kms", kmsKeyId: "alias/signet" },
    });
    expect(readDocumentSettings({ SIGNET_DOCUMENT_STORE: "s3://signet-docs", AWS_REGION: "eu-central-1" }).s3).toEqual({
      bucket: "signet-docs",
      prefix: "",
      region: "eu-central-1",
      encryption: { type: "none" },
    });
    expect(readDocumentSettings({}).s3).toBeUndefined();
    expect(documentStoreFor(readDocumentSettings({ SIGNET_DATA_DIR: "/tmp/x" }))).toBeInstanceOf(LocalDocumentStore);
    const s3 = documentStoreFor(
      readDocumentSettings({ SIGNET_DOCUMENT_STORE: "s3://b-1/p", SIGNET_S3_REGION: "eu-west-3" }),
    );
    expect(s3).toBeInstanceOf(S3DocumentStore);
    expect((s3 as S3DocumentStore).describe()).toBe("s3://b-1/p/");
  });

  it("refuses a malformed location, a missing region, an unknown SSE and a KMS key without aws:kms", () => {
    expect(() => readDocumentSettings({ SIGNET_DOCUMENT_STORE: "/mnt/docs" })).toThrow(/SIGNET_DOCUMENT_STORE/);
    expect(() => readDocumentSettings({ SIGNET_DOCUMENT_STORE: "s3://Bad_Bucket/x", AWS_REGION: "x" })).toThrow(
      /bucket name/,
    );
    expect(() => readDocumentSettings({ SIGNET_DOCUMENT_STORE: "s3://b-1/a/../b", AWS_REGION: "x" })).toThrow(/"\.\."/);
    expect(() => readDocumentSettings({ SIGNET_DOCUMENT_STORE: "s3://b-1/p" })).toThrow(/SIGNET_S3_REGION/);
    expect(() =>
      readDocumentSettings({ SIGNET_DOCUMENT_STORE: "s3://b-1/p", AWS_REGION: "x", SIGNET_S3_SSE: "aes" }),
    ).toThrow(/SIGNET_S3_SSE/);
    expect(() =>
      readDocumentSettings({ SIGNET_DOCUMENT_STORE: "s3://b-1/p", AWS_REGION: "x", SIGNET_S3_SSE_KMS_KEY_ID: "k" }),
    ).toThrow(/SIGNET_S3_SSE=aws:kms/);
  });
});
