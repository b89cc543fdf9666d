import { createHash, randomBytes } from "node:crypto";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { DocumentError, UploadTooLargeError } from "@/lib/documents/document-errors";
import type { S3StoreSettings } from "@/lib/documents/document-settings";
import type { DocumentStore, PutOptions, StoredObject } from "@/lib/documents/document-store";
import { boundedChunks, ByteLimitError, type ByteSource } from "@/lib/streams/bounded-read";

const KEY_PATTERN = /^[0-9a-f]{32}$/;
/** S3's smallest part (but the last); 8 MiB by default, as the AWS CLI uses. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

export type S3DocumentStoreOptions = S3StoreSettings & {
  /** Bytes per multipart part, at least 5 MiB; a body no larger than this goes in one PutObject. */
  partBytes?: number;
  /** Explicit credentials (tests); otherwise the AWS SDK's default chain (environment, profile, web identity, instance role). */
  credentials?: S3ClientConfig["credentials"];
};

/**
 * Documents in S3-compatible object storage: object `<prefix><key>`, keys of 128 random bits
 * (the same keys as on local disk, so `signet documents migrate` changes no database row).
 * A body up to one part goes in one PutObject; a larger one streams through a multipart upload,
 * one part in memory at a time, and is aborted on any failure. Either way S3 makes the object
 * visible only once it is complete. SHA-256 is computed while the bytes pass; every request
 * also carries the body's CRC32, which S3 checks.
 */
export class S3DocumentStore implements DocumentStore {
  readonly settings: S3StoreSettings;
  private readonly partBytes: number;
  private readonly credentials: S3ClientConfig["credentials"];
  private client: Promise<{ s3: S3Client; sdk: typeof import("@aws-sdk/client-s3") }> | undefined;

  constructor(options: S3DocumentStoreOptions) {
    const { partBytes, credentials, ...settings } = options;
    this.settings = settings;
    this.partBytes = partBytes ?? DEFAULT_PART_BYTES;
    if (!Number.isInteger(this.partBytes) || this.partBytes < MIN_PART_BYTES)
      throw new RangeError(`partBytes must be an integer of at least ${MIN_PART_BYTES}`);
    this.credentials = credentials;
  }

  async put(source: ByteSource, options: PutOptions = {}): Promise<StoredObject> {
    return this.putAt(randomBytes(16).toString("hex"), source, options);
  }

  /**
   * As put, under a key chosen by the caller, replacing any object there: for `signet documents
   * migrate`, which keeps the keys the database already records.
   */
  async putAt(key: string, source: ByteSource, options: PutOptions = {}): Promise<StoredObject> {
    const { s3, sdk } = await this.connect();
    const target = { Bucket: this.settings.bucket, Key: this.objectName(key) };
    const hash = createHash("sha256");
    let size = 0;
    const part = Buffer.allocUnsafe(this.partBytes);
    let filled = 0;
    let uploadId: string | undefined;
    const parts: { PartNumber: number; ETag: string | undefined; ChecksumCRC32: string | undefined }[] = [];

    // Failures of the store become typed errors; the body's own (a reset connection) pass as they are.
    const mapped = <T>(request: Promise<T>): Promise<T> =>
      request.catch((error: unknown) => {
        throw this.storeError(error);
      });
    const uploadPart = async (bytes: Buffer): Promise<void> => {
      if (uploadId === undefined) {
        const created = await mapped(
          s3.send(
            new sdk.CreateMultipartUploadCommand({ ...target, ...this.encryption(), ChecksumAlgorithm: "CRC32" }),
          ),
        );
        uploadId = created.UploadId;
        if (uploadId === undefined)
          throw new DocumentError("document.storage", "The document store did not start the upload.", { status: 502 });
      }
      const PartNumber = parts.length + 1;
      const answer = await mapped(
        s3.send(
          new sdk.UploadPartCommand({
            ...target,
            UploadId: uploadId,
            PartNumber,
            Body: bytes,
            ChecksumAlgorithm: "CRC32",
          }),
        ),
      );
      parts.push({ PartNumber, ETag: answer.ETag, ChecksumCRC32: answer.ChecksumCRC32 });
    };

    try {
      for await (const chunk of boundedChunks(source, options.maxBytes)) {
        size += chunk.byteLength;
        hash.update(chunk);
        let offset = 0;
        while (offset < chunk.byteLength) {
          const taken = Math.min(chunk.byteLength - offset, this.partBytes - filled);
          part.set(chunk.subarray(offset, offset + taken), filled);
          filled += taken;
          offset += taken;
          if (filled === this.partBytes) {
            // Awaited: the SDK is done with the buffer (retries included) before it is filled again.
            await uploadPart(part);
            filled = 0;
          }
        }
      }
      if (uploadId === undefined) {
        await mapped(
          s3.send(new sdk.PutObjectCommand({ ...target, ...this.encryption(), Body: part.subarray(0, filled) })),
        );
      } else {
        if (filled > 0) await uploadPart(part.subarray(0, filled));
        await mapped(
          s3.send(
            new sdk.CompleteMultipartUploadCommand({
              ...target,
              UploadId: uploadId,
              MultipartUpload: { Parts: parts },
            }),
          ),
        );
      }
      return { key, size, sha256: hash.digest("hex") };
    } catch (error) {
      if (uploadId !== undefined)
        await s3.send(new sdk.AbortMultipartUploadCommand({ ...target, UploadId: uploadId })).catch(() => undefined);
      throw error instanceof ByteLimitError ? new UploadTooLargeError(error.maxBytes) : error;
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const { s3, sdk } = await this.connect();
    try {
      const answer = await s3.send(
        new sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectName(key) }),
      );
      if (answer.Body === undefined)
        throw new DocumentError("document.storage", "The document store sent no body.", { status: 502 });
      return await answer.Body.transformToByteArray();
    } catch (error) {
      throw this.storeError(error);
    }
  }

  async stream(key: string): Promise<{ size: number; body: ReadableStream<Uint8Array> }> {
    const { s3, sdk } = await this.connect();
    try {
      const answer = await s3.send(
        new sdk.GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectName(key) }),
      );
      if (answer.Body === undefined || answer.ContentLength === undefined)
        throw new DocumentError("document.storage", "The document store sent no body.", { status: 502 });
      return { size: answer.ContentLength, body: answer.Body.transformToWebStream() as ReadableStream<Uint8Array> };
    } catch (error) {
      throw this.storeError(error);
    }
  }

  async remove(key: string): Promise<void> {
    const { s3, sdk } = await this.connect();
    try {
      await s3.send(new sdk.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectName(key) }));
    } catch (error) {
      throw this.storeError(error);
    }
  }

  /** Whether an object exists (tests, housekeeping and migration). */
  async has(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  /** An object's size, or undefined when there is none. */
  async head(key: string): Promise<{ size: number } | undefined> {
    const { s3, sdk } = await this.connect();
    try {
      const answer = await s3.send(
        new sdk.HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.objectName(key) }),
      );
      return { size: answer.ContentLength ?? 0 };
    } catch (error) {
      if (
        error instanceof sdk.NotFound ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      )
        return undefined;
      throw this.storeError(error);
    }
  }

  /** The keys of every document under the prefix (objects whose names are not keys are skipped), a page of `pageSize` at a time. */
  async *keys(pageSize = 1000): AsyncGenerator<string> {
    const { s3, sdk } = await this.connect();
    let ContinuationToken: string | undefined;
    do {
      let page;
      try {
        page = await s3.send(
          new sdk.ListObjectsV2Command({
            Bucket: this.settings.bucket,
            Prefix: this.settings.prefix,
            ContinuationToken,
            MaxKeys: pageSize,
          }),
        );
      } catch (error) {
        throw this.storeError(error);
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.settings.prefix.length) ?? "";
        if (KEY_PATTERN.test(key)) yield key;
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  /** Where the objects are, for messages: never credentials. */
  describe(): string {
    return `s3://${this.settings.bucket}/${this.settings.prefix}${this.settings.endpoint ? ` at ${this.settings.endpoint}` : ""}`;
  }

  private objectName(key: string): string {
    if (!KEY_PATTERN.test(key))
      throw new DocumentError("document.bad_key", "That stored document reference is not valid.", { status: 500 });
    return `${this.settings.prefix}${key}`;
  }

  private encryption(): { ServerSideEncryption?: "AES256" | "aws:kms"; SSEKMSKeyId?: string } {
    const sse = this.settings.encryption;
    if (sse.type === "none") return {};
    if (sse.type === "AES256") return { ServerSideEncryption: "AES256" };
    return { ServerSideEncryption: "aws:kms", ...(sse.kmsKeyId ? { SSEKMSKeyId: sse.kmsKeyId } : {}) };
  }

  /** The SDK, loaded on first use (the app and CLI start without it when documents are on disk). */
  private connect(): Promise<{ s3: S3Client; sdk: typeof import("@aws-sdk/client-s3") }> {
    this.client ??= import("@aws-sdk/client-s3").then((sdk) => ({
      sdk,
      s3: new sdk.S3Client({
        region: this.settings.region,
        ...(this.settings.endpoint ? { endpoint: this.settings.endpoint, forcePathStyle: true } : {}),
        ...(this.credentials ? { credentials: this.credentials } : {}),
        maxAttempts: 3,
      }),
    }));
    return this.client;
  }

  /**
   * A typed error whose message says what to fix. The SDK's own message is not passed on: an S3
   * error body can echo the access key id and the string that was signed.
   */
  private storeError(error: unknown): unknown {
    if (error instanceof DocumentError) return error;
    const where = this.describe();
    const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; Code?: string };
    const status = e.$metadata?.httpStatusCode;
    // A HEAD answer has no body, so no error code: the SDK calls it "Unknown" (or NotFound).
    const name = e.name === "Unknown" || e.name === undefined ? (status ? `HTTP ${status}` : "") : e.name;
    if (name === "NoSuchKey" || (status === 404 && name === "NotFound"))
      return new DocumentError("document.storage", "The stored file of this document is missing. Upload it again.", {
        status: 410,
      });
    if (name === "NoSuchBucket")
      return new DocumentError(
        "document.storage_no_bucket",
        `The document store's bucket does not exist (${where}). Create it, or correct SIGNET_DOCUMENT_STORE.`,
        { status: 503 },
      );
    if (
      name === "AccessDenied" ||
      name === "InvalidAccessKeyId" ||
      name === "SignatureDoesNotMatch" ||
      name === "ExpiredToken" ||
      name === "InvalidToken" ||
      name === "CredentialsProviderError" ||
      status === 403
    )
      return new DocumentError(
        "document.storage_denied",
        `The document store refused access (${where}): ${name || "HTTP 403"}. Check the AWS credentials Signet runs with, and that they may list the bucket and get, put and delete objects and abort multipart uploads under this prefix.`,
        { status: 503 },
      );
    const network = networkCode(error);
    if (network !== undefined)
      return new DocumentError(
        "document.storage_unreachable",
        `The document store cannot be reached (${where}): ${network}. Check SIGNET_S3_ENDPOINT and the network.`,
        { status: 503 },
      );
    return new DocumentError(
      "document.storage",
      `The document store failed (${where}): ${name || "error"}${status && !name.startsWith("HTTP") ? ` (HTTP ${status})` : ""}.`,
      { status: 502 },
    );
  }
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

/** The network error code behind an SDK failure (ECONNREFUSED, ENOTFOUND, …), or a timeout. */
function networkCode(error: unknown): string | undefined {
  for (
    let e = error as { code?: unknown; name?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === "TimeoutError") return "timed out";
    e = e.cause as typeof e;
  }
  return undefined;
}
