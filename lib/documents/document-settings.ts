import path from "node:path";
import { z } from "zod";
import { ConfigError } from "@/lib/config/config-error";
import type { Env } from "@/lib/config/settings";

/**
 * Where documents are stored and how large an upload may be:
 * SIGNET_DOCUMENT_DIR (default $SIGNET_DATA_DIR/documents) and SIGNET_MAX_UPLOAD_MB (default 200);
 * SIGNET_DOCUMENT_STORE=s3://BUCKET/PREFIX puts them in S3-compatible object storage instead
 * (SIGNET_S3_ENDPOINT, SIGNET_S3_REGION, SIGNET_S3_SSE, SIGNET_S3_SSE_KMS_KEY_ID).
 */
const schema = z.object({
  SIGNET_DATA_DIR: z.string().min(1).default("./data"),
  SIGNET_DOCUMENT_DIR: z.string().min(1).optional(),
  SIGNET_MAX_UPLOAD_MB: z.coerce.number().positive().max(4096).default(200),
  SIGNET_DOCUMENT_STORE: z.string().min(1).optional(),
  SIGNET_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  SIGNET_S3_REGION: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  SIGNET_S3_SSE: z.enum(["none", "AES256", "aws:kms"]).default("none"),
  SIGNET_S3_SSE_KMS_KEY_ID: z.string().min(1).optional(),
});

/** Server-side encryption S3 applies to each object: none (the bucket's default), SSE-S3, or SSE-KMS (with a key, or S3's AWS-managed one). */
export type S3Encryption = { type: "none" } | { type: "AES256" } | { type: "aws:kms"; kmsKeyId?: string };

/** Where in S3-compatible object storage the documents live; credentials come from the AWS SDK's default chain. */
export type S3StoreSettings = {
  bucket: string;
  /** "" or a path ending in "/". */
  prefix: string;
  region: string;
  /** An S3-compatible endpoint (addressed path-style); AWS S3 itself when absent. */
  endpoint?: string;
  encryption: S3Encryption;
};

export type DocumentSettings = { documentDir: string; maxUploadBytes: number; s3?: S3StoreSettings };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://BUCKET/PREFIX` → bucket and prefix ("" or ending in "/"); a ConfigError names `what` when it is not one. */
export function parseS3Location(url: string, what = "SIGNET_DOCUMENT_STORE"): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  const bucket = match?.[1] ?? "";
  if (!match || !BUCKET.test(bucket) || bucket.includes(".."))
    throw new ConfigError(
      `Configuration error in ${what}: expected s3://BUCKET/PREFIX with a valid bucket name (3-63 lowercase letters, digits, dots and hyphens).`,
    );
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((part) => part === "." || part === "..") || prefix.includes("//"))
    throw new ConfigError(`Configuration error in ${what}: the prefix may not contain empty, "." or ".." segments.`);
  return { bucket, prefix: prefix === "" ? "" : `${prefix}/` };
}

/** The S3 settings for `location` from the SIGNET_S3_* variables (also used by `signet documents migrate`). */
export function s3StoreSettings(
  location: string,
  options: { endpoint?: string; region?: string; sse?: string; sseKmsKeyId?: string },
  what = "SIGNET_DOCUMENT_STORE",
): S3StoreSettings {
  const { bucket, prefix } = parseS3Location(location, what);
  const region = options.region ?? (options.endpoint !== undefined ? "us-east-1" : undefined);
  if (region === undefined)
    throw new ConfigError(`Configuration error: ${what} is S3, so SIGNET_S3_REGION (or AWS_REGION) must be set.`);
  const sse = options.sse ?? "none";
  if (sse !== "none" && sse !== "AES256" && sse !== "aws:kms")
    throw new ConfigError("Configuration error in SIGNET_S3_SSE: expected none, AES256 or aws:kms.");
  if (options.sseKmsKeyId !== undefined && sse !== "aws:kms")
    throw new ConfigError("Configuration error: SIGNET_S3_SSE_KMS_KEY_ID needs SIGNET_S3_SSE=aws:kms.");
  const encryption: S3Encryption =
    sse === "aws:kms"
      ? { type: "aws:kms", ...(options.sseKmsKeyId ? { kmsKeyId: options.sseKmsKeyId } : {}) }
      : { type: sse };
  return { bucket, prefix, region, ...(options.endpoint ? { endpoint: options.endpoint } : {}), encryption };
}

export const DEFAULT_MAX_UPLOAD_MB = 200;

export function readDocumentSettings(env: Env = process.env): DocumentSettings {
  const parsed = schema.safeParse({
    ...env,
    SIGNET_DOCUMENT_DIR: env.SIGNET_DOCUMENT_DIR || undefined,
    SIGNET_MAX_UPLOAD_MB: env.SIGNET_MAX_UPLOAD_MB || undefined,
    SIGNET_DATA_DIR: env.SIGNET_DATA_DIR || undefined,
    SIGNET_DOCUMENT_STORE: env.SIGNET_DOCUMENT_STORE || undefined,
    SIGNET_S3_ENDPOINT: env.SIGNET_S3_ENDPOINT || undefined,
    SIGNET_S3_REGION: env.SIGNET_S3_REGION || undefined,
    AWS_REGION: env.AWS_REGION || undefined,
    SIGNET_S3_SSE: env.SIGNET_S3_SSE || undefined,
    SIGNET_S3_SSE_KMS_KEY_ID: env.SIGNET_S3_SSE_KMS_KEY_ID || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `Configuration error in ${issue?.path.join(".") ?? "environment"}: ${issue?.message ?? "invalid value"}.`,
    );
  }
  const e = parsed.data;
  return {
    // Not a build-time path: keep the bundler from tracing the whole project for it.
    documentDir: path.resolve(
      /*turbopackIgnore: true*/ e.SIGNET_DOCUMENT_DIR ??
        path.join(/*turbopackIgnore: true*/ e.SIGNET_DATA_DIR, "documents"),
    ),
    maxUploadBytes: Math.floor(e.SIGNET_MAX_UPLOAD_MB * 1024 * 1024),
    ...(e.SIGNET_DOCUMENT_STORE === undefined
      ? {}
      : {
          s3: s3StoreSettings(e.SIGNET_DOCUMENT_STORE, {
            endpoint: e.SIGNET_S3_ENDPOINT,
            region: e.SIGNET_S3_REGION ?? e.AWS_REGION,
            sse: e.SIGNET_S3_SSE,
            sseKmsKeyId: e.SIGNET_S3_SSE_KMS_KEY_ID,
          }),
        }),
  };
}
