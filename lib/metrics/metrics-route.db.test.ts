/**
 * GET /metrics, called as Next.js calls it, with a test database, background jobs and a SIEM
 * outbox installed as the process's (on globalThis, where the route finds them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { createOrganisation } from "@/test/support/signet-accounts";
import { appendAudit } from "@/lib/audit/append-audit";
import { startRepeatingJobs, type RunningJobs } from "@/lib/jobs/repeating-jobs";
import { GET } from "@/app/metrics/route";

const g = globalThis as Record<symbol, unknown>;
const DATABASE = Symbol.for("signet.database");
const JOBS = Symbol.for("signet.backgroundJobs");
const TOKEN = "scraper-token-0123456789abcdef";
const env = { ...process.env };
let t: TestDatabase;
let jobs: RunningJobs;

const scrape = (authorization?: string) =>
  GET(new Request("http://localhost/metrics", authorization === undefined ? {} : { headers: { authorization } }));

/** The value of one sample line of the exposition text, e.g. `name{label="x"} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  t = await createTestDatabase();
  g[DATABASE] = Promise.resolve(t);
  jobs = startRepeatingJobs([{ name: "siem-delivery", everyMs: 60_000, run: async () => undefined }]);
  g[JOBS] = jobs;
  // One organisation forwards to a SIEM and has an entry waiting, written an hour ago.
  const { orgId } = await createOrganisation(t.db);
  await t.db.organization.update({ where: { id: orgId }, data: { siemWebhookUrl: "https://siem.example.com/hook" } });
  await t.db.$transaction((tx) => appendAudit(tx, { orgId, actorId: null, action: "auth.sign_in" }));
  await t.db.auditOutbox.updateMany({ data: { createdAt: new Date(Date.now() - 3_600_000) } });
});
afterAll(async () => {
  process.env = env;
  await jobs.stop();
  delete g[DATABASE];
  delete g[JOBS];
  await t?.drop();
});

describe("GET /metrics", () => {
  it("is off (404) when SIGNET_METRICS_TOKEN is not set, whatever the request carries", async () => {
    delete process.env.SIGNET_METRICS_TOKEN;
    for (const authorization of [undefined, `Bearer ${TOKEN}`]) expect((await scrape(authorization)).status).toBe(404);
  });

  it("answers 401 without the token, with another one, or with it in another scheme; the answer names no token", async () => {
    process.env.SIGNET_METRICS_TOKEN = TOKEN;
    for (const authorization of [
      undefined,
      "Bearer",
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`,
      TOKEN,
    ]) {
      const response = await scrape(authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="signet-metrics"');
      expect(await response.text()).not.toContain(TOKEN);
    }
  });

  it("answers 200 in Prometheus text format with the token: Signet's metrics, the process's, and the gauges read at scrape time", async () => {
    process.env.SIGNET_METRICS_TOKEN = TOKEN;
    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    for (const name of [
      "signet_seals_total",
      "signet_seal_duration_seconds",
      "signet_key_backend_errors_total",
      "signet_key_sign_duration_seconds",
      "signet_verification_queue_depth",
      "signet_background_job_lag_seconds",
      "signet_background_job_last_success_timestamp_seconds",
      "signet_audit_outbox_pending",
      "signet_audit_outbox_oldest_age_seconds",
      "signet_sign_in_throttled_total",
      "process_cpu_user_seconds_total",
      "nodejs_heap_size_used_bytes",
    ])
      expect(text, name).toContain(`# TYPE ${name} `);
    expect(sample(text, "signet_audit_outbox_pending")).toBe(1);
    expect(sample(text, "signet_audit_outbox_oldest_age_seconds")).toBeGreaterThanOrEqual(3_590);
    expect(sample(text, 'signet_background_job_lag_seconds{job="siem-delivery"}')).toBe(0);
    expect(sample(text, 'signet_verification_queue_depth{state="running"}')).toBe(0);
    expect(sample(text, 'signet_verification_queue_depth{state="waiting"}')).toBe(0);
    expect(text).not.toContain(TOKEN);
  });

  it("still answers while the database is down, the outbox gauges then unknown (NaN) rather than stale", async () => {
    process.env.SIGNET_METRICS_TOKEN = TOKEN;
    const down: unknown = new Proxy(function () {}, {
      get: (_, property) => (property === "then" ? undefined : down),
      apply: () => Promise.reject(new Error("connect ECONNREFUSED 10.0.0.5:5432")),
    });
    g[DATABASE] = Promise.resolve({ db: down });
    try {
      const response = await scrape(`Bearer ${TOKEN}`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(sample(text, "signet_audit_outbox_pending")).toBeNaN();
      expect(sample(text, "signet_audit_outbox_oldest_age_seconds")).toBeNaN();
      expect(sample(text, 'signet_background_job_lag_seconds{job="siem-delivery"}')).toBe(0);
      expect(text).not.toContain("10.0.0.5");
    } finally {
      g[DATABASE] = Promise.resolve(t);
    }
  });
});
