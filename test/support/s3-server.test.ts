import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIN_PART_BYTES, startTestS3, type TestS3Server } from "@/test/support/s3-server";

// The test S3 endpoint refuses what S3 refuses, so the store's tests cannot pass on requests S3 would reject.
let server: TestS3Server;
let s3: S3Client;
const Bucket = "checks";

const client = (config: Partial<S3ClientConfig> = {}) =>
  new S3Client({
    region: server.region,
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: server.credentials,
    maxAttempts: 1,
    ...config,
  });

beforeAll(async () => {
  server = await startTestS3();
  server.createBucket(Bucket);
  s3 = client();
});
afterAll(async () => {
  s3.destroy();
  await server.stop();
});

describe("test S3 endpoint", () => {
  it("refuses a body whose CRC32 is not the one sent", async () => {
    await expect(
      s3.send(new PutObjectCommand({ Bucket, Key: "crc", Body: Buffer.from("hello"), ChecksumCRC32: "AAAAAA==" })),
    ).rejects.toMatchObject({ name: "BadDigest" });
    expect(server.objects(Bucket).has("crc")).toBe(false);
  });

  it("shows a multipart object only once completed, and refuses a part under 5 MiB that is not the last", async () => {
    const Key = "parts";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: "CRC32" }));
    const upload = async (PartNumber: number, size: number) => {
      const answer = await s3.send(
        new UploadPartCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber,
          Body: Buffer.alloc(size, PartNumber),
          ChecksumAlgorithm: "CRC32",
        }),
      );
      return { PartNumber, ETag: answer.ETag, ChecksumCRC32: answer.ChecksumCRC32 };
    };
    const small = [await upload(1, 1000), await upload(2, 1000)];
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: small } })),
    ).rejects.toMatchObject({ name: "EntityTooSmall" });
    const parts = [await upload(1, MIN_PART_BYTES), await upload(2, 1000)];
    await expect(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId,
          MultipartUpload: { Parts: parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidRequest" });
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
    expect(server.objects(Bucket).get(Key)).toMatchObject({ parts: 2 });
    expect(server.objects(Bucket).get(Key)?.body.byteLength).toBe(MIN_PART_BYTES + 1000);
    expect(server.uploads.size).toBe(0);
  });

  it("refuses a part without the checksum its upload was created with", async () => {
    const Key = "no-checksum";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: "CRC32" }));
    const bare = client({ requestChecksumCalculation: "WHEN_REQUIRED" });
    await expect(
      bare.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: Buffer.alloc(10) })),
    ).rejects.toMatchObject({ name: "InvalidRequest" });
    bare.destroy();
    expect(server.uploads.get(UploadId!)?.parts.size).toBe(0);
  });

  it("refuses unsigned requests, unknown keys and a wrong secret", async () => {
    const anonymous = await fetch(`${server.endpoint}/${Bucket}/x`, { method: "PUT", body: "x" });
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain("<Code>AccessDenied</Code>");
    const unknown = client({ credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "x" } });
    await expect(unknown.send(new PutObjectCommand({ Bucket, Key: "x", Body: "x" }))).rejects.toMatchObject({
      name: "InvalidAccessKeyId",
    });
    const wrong = client({ credentials: { ...server.credentials, secretAccessKey: "wrong" } });
    await expect(wrong.send(new PutObjectCommand({ Bucket, Key: "x", Body: "x" }))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
    });
    unknown.destroy();
    wrong.destroy();
    expect(server.objects(Bucket).has("x")).toBe(false);
  });
});
