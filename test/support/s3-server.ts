/**
 * An S3-compatible HTTP endpoint for tests, on 127.0.0.1 and a random port, path-style
 * (`/BUCKET/KEY`). It speaks what @aws-sdk/client-s3 sends for PutObject, GetObject, HeadObject,
 * DeleteObject, ListObjectsV2 and the multipart upload (CreateMultipartUpload, UploadPart,
 * CompleteMultipartUpload, AbortMultipartUpload), with S3's XML errors. Like S3 it:
 * - checks the SigV4 signature of every request (kms-sigv4.ts) and that x-amz-content-sha256 and
 *   x-amz-checksum-crc32 match the body (XAmzContentSHA256Mismatch, BadDigest);
 * - refuses parts under 5 MiB but the last (EntityTooSmall), parts out of order or with another
 *   ETag (InvalidPartOrder, InvalidPart), and, for an upload created with a checksum algorithm,
 *   parts and a completion without that checksum (InvalidRequest);
 * - makes an object visible only when its PutObject or CompleteMultipartUpload succeeds;
 * - keeps server-side encryption settings (x-amz-server-side-encryption, …-aws-kms-key-id) on the
 *   object and answers them back.
 * Objects live in memory. `deniedCredentials` sign correctly but are allowed nothing (AccessDenied).
 * Every request is recorded for assertions. Range requests are refused (501): nothing here uses them.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import { verifySigV4 } from "@/test/support/kms-sigv4";

export const MIN_PART_BYTES = 5 * 1024 * 1024;

export type S3Operation =
  | "PutObject"
  | "GetObject"
  | "HeadObject"
  | "DeleteObject"
  | "ListObjectsV2"
  | "CreateMultipartUpload"
  | "UploadPart"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "Unknown";

export interface TestS3Object {
  body: Buffer;
  etag: string;
  lastModified: Date;
  sse?: string;
  sseKmsKeyId?: string;
  /** Number of parts when it was assembled by a multipart upload, 0 for a PutObject. */
  parts: number;
}

export interface TestS3Upload {
  bucket: string;
  key: string;
  sse?: string;
  sseKmsKeyId?: string;
  checksumAlgorithm?: string;
  parts: Map<number, { body: Buffer; etag: string; crc32?: string }>;
}

export interface RecordedS3Request {
  operation: S3Operation;
  method: string;
  bucket: string;
  key: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
  accessKeyId?: string;
  status: number;
  /** The S3 error code answered, if any. */
  error?: string;
}

export interface TestS3Server {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Valid credentials that every bucket refuses (AccessDenied). */
  deniedCredentials: { accessKeyId: string; secretAccessKey: string };
  requests: RecordedS3Request[];
  createBucket(name: string): void;
  /** A bucket's objects by key (throws for a missing bucket). */
  objects(bucket: string): Map<string, TestS3Object>;
  /** Multipart uploads started and neither completed nor aborted, by upload id. */
  uploads: Map<string, TestS3Upload>;
  stop(): Promise<void>;
}

class S3Fault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const xmlEscape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const md5 = (data: Uint8Array): string => createHash("md5").update(data).digest("hex");
const crc32Base64 = (data: Uint8Array): string => {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(data) >>> 0);
  return value.toString("base64");
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function operationOf(method: string, key: string, query: URLSearchParams): S3Operation {
  if (method === "GET" && key === "" && query.get("list-type") === "2") return "ListObjectsV2";
  if (key === "") return "Unknown";
  if (method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
  if (method === "POST" && query.has("uploadId")) return "CompleteMultipartUpload";
  if (method === "PUT" && query.has("uploadId") && query.has("partNumber")) return "UploadPart";
  if (method === "DELETE" && query.has("uploadId")) return "AbortMultipartUpload";
  if (method === "PUT") return "PutObject";
  if (method === "GET") return "GetObject";
  if (method === "HEAD") return "HeadObject";
  if (method === "DELETE") return "DeleteObject";
  return "Unknown";
}

const SSE_VALUES = new Set(["AES256", "aws:kms", "aws:kms:dsse"]);

function sseOf(headers: IncomingHttpHeaders): { sse?: string; sseKmsKeyId?: string } {
  const sse = header(headers, "x-amz-server-side-encryption");
  const sseKmsKeyId = header(headers, "x-amz-server-side-encryption-aws-kms-key-id");
  if (sse !== undefined && !SSE_VALUES.has(sse))
    throw new S3Fault(400, "InvalidArgument", "The encryption method specified is not supported");
  if (sseKmsKeyId !== undefined && !sse?.startsWith("aws:kms"))
    throw new S3Fault(
      400,
      "InvalidArgument",
      "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
    );
  return { sse, sseKmsKeyId };
}

function sseHeaders(object: { sse?: string; sseKmsKeyId?: string }): Record<string, string> {
  return {
    ...(object.sse ? { "x-amz-server-side-encryption": object.sse } : {}),
    ...(object.sseKmsKeyId ? { "x-amz-server-side-encryption-aws-kms-key-id": object.sseKmsKeyId } : {}),
  };
}

export async function startTestS3(options: { region?: string } = {}): Promise<TestS3Server> {
  const region = options.region ?? "eu-west-1";
  const credentials = {
    accessKeyId: "AKIASIGNETTESTS30001",
    secretAccessKey: "signet/test/secret/S3+do-not-use-anywhere-else",
  };
  const deniedCredentials = {
    accessKeyId: "AKIASIGNETTESTS3DENY",
    secretAccessKey: "signet/test/secret/S3-denied+do-not-use-anywhere-else",
  };
  const buckets = new Map<string, Map<string, TestS3Object>>();
  const uploads = new Map<string, TestS3Upload>();
  const requests: RecordedS3Request[] = [];

  function bucketOf(name: string): Map<string, TestS3Object> {
    const bucket = buckets.get(name);
    if (!bucket) throw new S3Fault(404, "NoSuchBucket", "The specified bucket does not exist");
    return bucket;
  }

  function uploadOf(id: string | null, bucket: string, key: string): TestS3Upload {
    const upload = id === null ? undefined : uploads.get(id);
    if (!upload || upload.bucket !== bucket || upload.key !== key)
      throw new S3Fault(
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
      );
    return upload;
  }

  function checkBody(headers: IncomingHttpHeaders, body: Buffer): void {
    const declared = header(headers, "x-amz-content-sha256");
    if (declared?.startsWith("STREAMING-"))
      throw new S3Fault(501, "NotImplemented", "The test S3 endpoint does not take aws-chunked bodies.");
    if (declared !== undefined && declared !== "UNSIGNED-PAYLOAD") {
      if (declared !== createHash("sha256").update(body).digest("hex"))
        throw new S3Fault(
          400,
          "XAmzContentSHA256Mismatch",
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        );
    }
    const crc = header(headers, "x-amz-checksum-crc32");
    if (crc !== undefined && crc !== crc32Base64(body))
      throw new S3Fault(400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.");
  }

  function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer = "") {
    if (res.destroyed || res.writableEnded) return;
    const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    res.writeHead(status, {
      "x-amz-request-id": randomUUID(),
      "content-length": String(bytes.byteLength),
      ...headers,
    });
    res.end(bytes);
  }

  function xml(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    send(
      res,
      status,
      { "content-type": "application/xml", ...headers },
      `<?xml version="1.0" encoding="UTF-8"?>\n${text}`,
    );
  }

  function operate(
    operation: S3Operation,
    req: IncomingMessage,
    res: ServerResponse,
    bucketName: string,
    key: string,
    query: URLSearchParams,
    body: Buffer,
  ): number {
    const headers = req.headers;
    switch (operation) {
      case "PutObject": {
        const bucket = bucketOf(bucketName);
        checkBody(headers, body);
        const object: TestS3Object = {
          body,
          etag: `"${md5(body)}"`,
          lastModified: new Date(),
          ...sseOf(headers),
          parts: 0,
        };
        bucket.set(key, object);
        send(res, 200, { etag: object.etag, ...sseHeaders(object) });
        return 200;
      }
      case "GetObject":
      case "HeadObject": {
        if (header(headers, "range") !== undefined)
          throw new S3Fault(501, "NotImplemented", "The test S3 endpoint does not take Range requests.");
        const object = bucketOf(bucketName).get(key);
        if (!object) {
          if (operation === "HeadObject") {
            send(res, 404, {});
            return 404;
          }
          throw new S3Fault(404, "NoSuchKey", "The specified key does not exist.");
        }
        const meta = {
          "content-type": "application/octet-stream",
          etag: object.etag,
          "last-modified": object.lastModified.toUTCString(),
          ...sseHeaders(object),
        };
        if (operation === "HeadObject") {
          if (!res.destroyed) {
            res.writeHead(200, { ...meta, "content-length": String(object.body.byteLength) });
            res.end();
          }
        } else send(res, 200, meta, object.body);
        return 200;
      }
      case "DeleteObject": {
        bucketOf(bucketName).delete(key);
        send(res, 204, {});
        return 204;
      }
      case "ListObjectsV2": {
        const bucket = bucketOf(bucketName);
        const prefix = query.get("prefix") ?? "";
        const maxKeys = Math.min(1000, Number(query.get("max-keys") ?? 1000));
        const after = query.get("continuation-token") ?? query.get("start-after") ?? "";
        const all = [...bucket.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
        const page = all.slice(0, maxKeys);
        const truncated = all.length > page.length;
        const contents = page
          .map((k) => {
            const object = bucket.get(k)!;
            return `<Contents><Key>${xmlEscape(k)}</Key><LastModified>${object.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(object.etag)}</ETag><Size>${object.body.byteLength}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
          })
          .join("");
        xml(
          res,
          200,
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucketName)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${truncated ? `<NextContinuationToken>${xmlEscape(page.at(-1) ?? "")}</NextContinuationToken>` : ""}</ListBucketResult>`,
        );
        return 200;
      }
      case "CreateMultipartUpload": {
        bucketOf(bucketName);
        const uploadId = randomUUID().replace(/-/g, "");
        const checksumAlgorithm = header(headers, "x-amz-checksum-algorithm");
        if (checksumAlgorithm !== undefined && checksumAlgorithm !== "CRC32")
          throw new S3Fault(400, "InvalidRequest", "The test S3 endpoint only takes CRC32 checksums.");
        const upload: TestS3Upload = {
          bucket: bucketName,
          key,
          ...sseOf(headers),
          checksumAlgorithm,
          parts: new Map(),
        };
        uploads.set(uploadId, upload);
        xml(
          res,
          200,
          `<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(bucketName)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
          {
            ...sseHeaders(upload),
            ...(checksumAlgorithm ? { "x-amz-checksum-algorithm": checksumAlgorithm } : {}),
          },
        );
        return 200;
      }
      case "UploadPart": {
        bucketOf(bucketName);
        const upload = uploadOf(query.get("uploadId"), bucketName, key);
        const partNumber = Number(query.get("partNumber"));
        if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000)
          throw new S3Fault(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive");
        if (header(headers, "x-amz-server-side-encryption") !== undefined)
          throw new S3Fault(400, "InvalidArgument", "x-amz-server-side-encryption is not allowed on UploadPart.");
        checkBody(headers, body);
        const crc = header(headers, "x-amz-checksum-crc32");
        if (upload.checksumAlgorithm === "CRC32" && crc === undefined)
          throw new S3Fault(
            400,
            "InvalidRequest",
            "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null",
          );
        if (upload.checksumAlgorithm === undefined && crc !== undefined)
          throw new S3Fault(
            400,
            "InvalidRequest",
            "Checksum Type mismatch occurred, expected checksum Type: null, actual checksum Type: crc32",
          );
        const etag = `"${md5(body)}"`;
        upload.parts.set(partNumber, { body, etag, crc32: crc });
        send(res, 200, { etag, ...(crc ? { "x-amz-checksum-crc32": crc } : {}), ...sseHeaders(upload) });
        return 200;
      }
      case "CompleteMultipartUpload": {
        const bucket = bucketOf(bucketName);
        const uploadId = query.get("uploadId");
        const upload = uploadOf(uploadId, bucketName, key);
        const text = body.toString("utf8");
        const listed = [...text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, part = ""]) => ({
          number: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(part)?.[1]),
          etag: (/<ETag>([^<]*)<\/ETag>/.exec(part)?.[1] ?? "").replace(/&quot;/g, '"'),
          crc32: /<ChecksumCRC32>([^<]*)<\/ChecksumCRC32>/.exec(part)?.[1],
        }));
        if (listed.length === 0)
          throw new S3Fault(400, "MalformedXML", "The XML you provided was not well-formed or did not validate.");
        const chosen = listed.map((entry, index) => {
          if (index > 0 && entry.number <= listed[index - 1]!.number)
            throw new S3Fault(400, "InvalidPartOrder", "The list of parts was not in ascending order.");
          const part = upload.parts.get(entry.number);
          if (!part || part.etag !== entry.etag)
            throw new S3Fault(400, "InvalidPart", "One or more of the specified parts could not be found.");
          if (upload.checksumAlgorithm === "CRC32" && entry.crc32 !== part.crc32)
            throw new S3Fault(
              400,
              "InvalidRequest",
              "The upload was created using a crc32 checksum. The complete request must include the checksum for each part.",
            );
          if (index < listed.length - 1 && part.body.byteLength < MIN_PART_BYTES)
            throw new S3Fault(
              400,
              "EntityTooSmall",
              "Your proposed upload is smaller than the minimum allowed object size.",
            );
          return part;
        });
        const object: TestS3Object = {
          body: Buffer.concat(chosen.map((part) => part.body)),
          etag: `"${md5(Buffer.concat(chosen.map((part) => Buffer.from(part.etag.slice(1, -1), "hex"))))}-${chosen.length}"`,
          lastModified: new Date(),
          sse: upload.sse,
          sseKmsKeyId: upload.sseKmsKeyId,
          parts: chosen.length,
        };
        uploads.delete(uploadId!);
        bucket.set(key, object);
        xml(
          res,
          200,
          `<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>/${xmlEscape(bucketName)}/${xmlEscape(key)}</Location><Bucket>${xmlEscape(bucketName)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(object.etag)}</ETag></CompleteMultipartUploadResult>`,
          sseHeaders(object),
        );
        return 200;
      }
      case "AbortMultipartUpload": {
        bucketOf(bucketName);
        const uploadId = query.get("uploadId");
        uploadOf(uploadId, bucketName, key);
        uploads.delete(uploadId!);
        send(res, 204, {});
        return 204;
      }
      default:
        throw new S3Fault(501, "NotImplemented", "The test S3 endpoint does not implement this request.");
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://localhost");
    const [, bucketName = "", ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const method = req.method ?? "GET";
    const operation = operationOf(method, key, url.searchParams);
    const record: RecordedS3Request = {
      operation,
      method,
      bucket: decodeURIComponent(bucketName),
      key,
      headers: req.headers,
      bodyBytes: body.byteLength,
      status: 0,
    };
    requests.push(record);
    const fail = (fault: S3Fault): void => {
      record.status = fault.status;
      record.error = fault.code;
      if (method === "HEAD") return send(res, fault.status, {});
      xml(
        res,
        fault.status,
        `<Error><Code>${fault.code}</Code><Message>${xmlEscape(fault.message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`,
      );
    };
    const auth = verifySigV4({
      method,
      path: req.url ?? "/",
      headers: req.headers,
      body,
      region,
      service: "s3",
      lookup: (id) =>
        id === credentials.accessKeyId
          ? { secretAccessKey: credentials.secretAccessKey }
          : id === deniedCredentials.accessKeyId
            ? { secretAccessKey: deniedCredentials.secretAccessKey }
            : undefined,
    });
    if (!auth.ok) {
      const code =
        auth.error === "UnrecognizedClientException"
          ? "InvalidAccessKeyId"
          : auth.error === "InvalidSignatureException"
            ? "SignatureDoesNotMatch"
            : auth.error === "MissingAuthenticationTokenException"
              ? "AccessDenied"
              : "AuthorizationHeaderMalformed";
      return fail(new S3Fault(code === "AuthorizationHeaderMalformed" ? 400 : 403, code, auth.message));
    }
    record.accessKeyId = auth.authorization.accessKeyId;
    if (record.accessKeyId === deniedCredentials.accessKeyId)
      return fail(new S3Fault(403, "AccessDenied", "Access Denied"));
    try {
      record.status = operate(operation, req, res, record.bucket, key, url.searchParams, body);
    } catch (error) {
      fail(error instanceof S3Fault ? error : new S3Fault(500, "InternalError", "We encountered an internal error."));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, {}, ""));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    credentials,
    deniedCredentials,
    requests,
    uploads,
    createBucket(name) {
      if (!buckets.has(name)) buckets.set(name, new Map());
    },
    objects(name) {
      const bucket = buckets.get(name);
      if (!bucket) throw new Error(`no bucket ${name}`);
      return bucket;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
