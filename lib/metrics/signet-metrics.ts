import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { isSignetError } from "@/lib/engine/errors";
import type { KeyBackendKind } from "@/lib/engine/keys";

/** A key's custody as a metric label: bounded, never an id, an ARN or a label a person chose. */
export type BackendLabel = "platform" | "aws-kms" | "pkcs11";

export function backendLabel(kind: KeyBackendKind): BackendLabel {
  return kind === "AWS_KMS" ? "aws-kms" : kind === "PKCS11" ? "pkcs11" : "platform";
}

/** Which limit refused a throttled attempt: per account, per client address, per person's TOTP codes. */
export type ThrottleLimit = "account" | "address" | "totp";

/**
 * Everything GET /metrics exposes. The counters and histograms are written where the work
 * happens (lib/sealing, lib/custody, lib/auth); the gauges are set at scrape time from what
 * the process observes (lib/health/observed-metrics.ts).
 */
export type SignetMetrics = {
  registry: Registry;
  seals: Counter<"backend" | "outcome">;
  sealSeconds: Histogram<"backend">;
  keyBackendErrors: Counter<"backend" | "code">;
  signSeconds: Histogram<"backend">;
  verificationQueueDepth: Gauge<"state">;
  jobLagSeconds: Gauge<"job">;
  jobLastSuccess: Gauge<"job">;
  auditOutboxPending: Gauge;
  auditOutboxOldestSeconds: Gauge;
  signInThrottled: Counter<"limit">;
};

function createMetrics(): SignetMetrics {
  const registry = new Registry();
  // The standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes, …), so stock Node.js dashboards work.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    seals: new Counter({
      name: "signet_seals_total",
      help: "Documents sealed (outcome=sealed) or recorded as failed (outcome=failed), by the custody of the sealing key.",
      labelNames: ["backend", "outcome"],
      registers,
    }),
    sealSeconds: new Histogram({
      name: "signet_seal_duration_seconds",
      help: "Time to seal one document, from reading the original to its seal being recorded (successful seals).",
      labelNames: ["backend"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    keyBackendErrors: new Counter({
      name: "signet_key_backend_errors_total",
      help: "Failures of a key backend (opening it, reading its key, signing), by custody and error code.",
      labelNames: ["backend", "code"],
      registers,
    }),
    signSeconds: new Histogram({
      name: "signet_key_sign_duration_seconds",
      help: "Time a key backend took to answer one signature request, successful or not.",
      labelNames: ["backend"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    verificationQueueDepth: new Gauge({
      name: "signet_verification_queue_depth",
      help: "Public verifications in the worker pool: state=running (in a worker) and state=waiting (queued for one).",
      labelNames: ["state"],
      registers,
    }),
    jobLagSeconds: new Gauge({
      name: "signet_background_job_lag_seconds",
      help: "Seconds since a background job's run was due and has not finished yet (0 when it is on time).",
      labelNames: ["job"],
      registers,
    }),
    jobLastSuccess: new Gauge({
      name: "signet_background_job_last_success_timestamp_seconds",
      help: "Unix time of a background job's last successful run in this process.",
      labelNames: ["job"],
      registers,
    }),
    auditOutboxPending: new Gauge({
      name: "signet_audit_outbox_pending",
      help: "Audit entries waiting in the SIEM outbox for organisations that forward.",
      registers,
    }),
    auditOutboxOldestSeconds: new Gauge({
      name: "signet_audit_outbox_oldest_age_seconds",
      help: "Age of the oldest audit entry waiting in the SIEM outbox (0 when none waits).",
      registers,
    }),
    signInThrottled: new Counter({
      name: "signet_sign_in_throttled_total",
      help: "Sign-in and code attempts refused by the throttle before their secret was checked, by the limit that refused.",
      labelNames: ["limit"],
      registers,
    }),
  };
}

const GLOBAL_KEY = Symbol.for("signet.metrics");
type GlobalWithMetrics = typeof globalThis & { [GLOBAL_KEY]?: SignetMetrics };

/**
 * The process's metrics, created on first use. They live on globalThis so that every module
 * instance of the process (Next.js bundles a route, instrumentation.ts and a server action
 * separately) counts into the same registry.
 */
export function signetMetrics(): SignetMetrics {
  const g = globalThis as GlobalWithMetrics;
  g[GLOBAL_KEY] ??= createMetrics();
  return g[GLOBAL_KEY];
}

/** A SignetError's code, or "unexpected" for anything else (the label set stays bounded). */
export function errorCode(error: unknown): string {
  return isSignetError(error) ? error.code : "unexpected";
}
