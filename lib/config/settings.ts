import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { availableParallelism } from "node:os";
import { parseOutboundAllowList, type OutboundAllowList } from "@/lib/outbound/outbound-allow-list";
import { ConfigError } from "@/lib/config/config-error";

/**
 * Every environment variable Signet reads, with its default. README.md's configuration
 * table mirrors this list; keep them in step.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  SIGNET_DATA_DIR: z.string().default("./data"),
  /** Defaults to http://localhost:${PORT} (see readSettings). */
  SIGNET_PUBLIC_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SIGNET_INVITATION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(72),
  SIGNET_SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  SIGNET_TRUST_PROXY: z.enum(["0", "1", "true", "false"]).default("0"),
  SIGNET_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SIGNET_VERIFY_MAX_MB: z.coerce.number().positive().max(1024).default(50),
  SIGNET_VERIFY_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(60),
  SIGNET_VERIFY_WORKERS: z.coerce.number().int().min(1).max(64).default(defaultWorkerCount(4)),
  SIGNET_CHECKPOINT_INTERVAL_MINUTES: z.coerce
    .number()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  SIGNET_SIEM_POLL_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  SIGNET_SEAL_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  SIGNET_SEAL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  SIGNET_SIEM_ALLOW_HTTP: z.enum(["0", "1", "true", "false"]).default("0"),
  SIGNET_OUTBOUND_ALLOW: z.string().default(""),
  SIGNET_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
});

/** Environment variables as read; not NodeJS.ProcessEnv, whose Next.js typing requires NODE_ENV. */
export type Env = Record<string, string | undefined>;

export type Settings = {
  nodeEnv: "development" | "production" | "test";
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  port: number;
  invitationTtlHours: number;
  sessionMaxAgeHours: number;
  trustProxy: boolean;
  /** Public verification (/verify, POST /api/v1/verify): largest PDF, and verifications per client address per 15 minutes. */
  verifyMaxBytes: number;
  verifyRateLimit: number;
  /** Worker threads that verify public uploads (lib/public-verify/isolated-verify.ts). */
  verifyWorkers: number;
  /** Audit checkpoints: minutes between periodic signing runs (0: only on demand). */
  checkpointIntervalMinutes: number;
  /** SIEM forwarding: seconds between outbox runs (0: this process does not deliver). */
  siemPollSeconds: number;
  /** Sealing jobs: how long a worker's claim lasts without a heartbeat before another instance takes it over. */
  sealLeaseSeconds: number;
  /** Sealing jobs: attempts before a transient failure (KMS throttled, HSM busy, a timeout) fails the document. */
  sealMaxAttempts: number;
  /** SIEM webhooks may use plain http to hosts other than localhost. */
  siemAllowHttp: boolean;
  /** Internal destinations outbound requests (SIEM webhooks, …) may reach: address ranges and host names. */
  outboundAllow: OutboundAllowList;
  /** The bearer token GET /metrics asks for; undefined turns /metrics off (404). */
  metricsToken: string | undefined;
};

/** DATABASE_URL_FILE: the URL (with its password) in a file the operator mounts, such as a container secret. */
function withDatabaseUrlFromFile(env: Env): Env {
  const file = env.DATABASE_URL_FILE;
  if ((env.DATABASE_URL ?? "") !== "" || file === undefined || file === "") return env;
  if (!fs.existsSync(file)) throw new ConfigError(`DATABASE_URL_FILE points at ${file}, which does not exist.`);
  return { ...env, DATABASE_URL: fs.readFileSync(file, "utf8").trim() };
}

export function readSettings(given: Env = process.env): Settings {
  const env = withDatabaseUrlFromFile(given);
  // An empty variable means "not set" (shells and CI systems often export empty values).
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== "")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `Configuration error in ${issue?.path.join(".") ?? "environment"}: ${issue?.message ?? "invalid value"}.`,
    );
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.SIGNET_DATA_DIR),
    publicUrl: (e.SIGNET_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    port: e.PORT,
    invitationTtlHours: e.SIGNET_INVITATION_TTL_HOURS,
    sessionMaxAgeHours: e.SIGNET_SESSION_MAX_AGE_HOURS,
    trustProxy: e.SIGNET_TRUST_PROXY === "1" || e.SIGNET_TRUST_PROXY === "true",
    verifyMaxBytes: Math.floor(e.SIGNET_VERIFY_MAX_MB * 1024 * 1024),
    verifyRateLimit: e.SIGNET_VERIFY_RATE_LIMIT,
    verifyWorkers: e.SIGNET_VERIFY_WORKERS,
    checkpointIntervalMinutes: e.SIGNET_CHECKPOINT_INTERVAL_MINUTES,
    siemPollSeconds: e.SIGNET_SIEM_POLL_SECONDS,
    sealLeaseSeconds: e.SIGNET_SEAL_LEASE_SECONDS,
    sealMaxAttempts: e.SIGNET_SEAL_MAX_ATTEMPTS,
    siemAllowHttp: e.SIGNET_SIEM_ALLOW_HTTP === "1" || e.SIGNET_SIEM_ALLOW_HTTP === "true",
    outboundAllow: outboundAllowList(e.SIGNET_OUTBOUND_ALLOW),
    metricsToken: e.SIGNET_METRICS_TOKEN,
  };
}

function outboundAllowList(text: string): OutboundAllowList {
  try {
    return parseOutboundAllowList(text);
  } catch (error) {
    throw new ConfigError(
      `Configuration error in SIGNET_OUTBOUND_ALLOW: ${error instanceof Error ? error.message : "invalid value"}`,
    );
  }
}

/** One worker per core but one (the web server keeps a core), at least one and at most `cap`. */
export function defaultWorkerCount(cap: number): number {
  return Math.max(1, Math.min(cap, availableParallelism() - 1));
}
