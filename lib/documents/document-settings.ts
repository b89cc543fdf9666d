import path from "node:path";
import { z } from "zod";
import { ConfigError } from "@/lib/config/config-error";
import type { Env } from "@/lib/config/settings";

/**
 * Where documents are stored and how large an upload may be:
 * SIGNET_DOCUMENT_DIR (default $SIGNET_DATA_DIR/documents) and SIGNET_MAX_UPLOAD_MB (default 200).
 */
const schema = z.object({
  SIGNET_DATA_DIR: z.string().min(1).default("./data"),
  SIGNET_DOCUMENT_DIR: z.string().min(1).optional(),
  SIGNET_MAX_UPLOAD_MB: z.coerce.number().positive().max(4096).default(200),
});

export type DocumentSettings = { documentDir: string; maxUploadBytes: number };

export const DEFAULT_MAX_UPLOAD_MB = 200;

export function readDocumentSettings(env: Env = process.env): DocumentSettings {
  const parsed = schema.safeParse({
    ...env,
    SIGNET_DOCUMENT_DIR: env.SIGNET_DOCUMENT_DIR || undefined,
    SIGNET_MAX_UPLOAD_MB: env.SIGNET_MAX_UPLOAD_MB || undefined,
    SIGNET_DATA_DIR: env.SIGNET_DATA_DIR || undefined,
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
  };
}
