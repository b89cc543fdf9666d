import { expect, test } from "@playwright/test";
import { ensureOwner, owner, signIn } from "@/e2e/accounts";

// Liveness, readiness and metrics through the running server: /api/health and /api/ready are
// public and secret-free, the per-key section only for an administrator's session; /metrics
// answers only the operator's token (SIGNET_METRICS_TOKEN in this run's environment, which the
// server inherits; without it, /metrics is off). Runs after 01 (the owner exists) or alone.
test.describe.configure({ mode: "serial" });

test("anyone reads liveness and readiness; an administrator also reads each active key's health", async ({
  browser,
  request,
}) => {
  const alive = await request.get("/api/health");
  expect(alive.status()).toBe(200);
  expect(alive.headers()["cache-control"]).toBe("no-store");
  expect(await alive.json()).toEqual({ status: "ok" });

  const ready = await request.get("/api/ready");
  expect(ready.status()).toBe(200);
  expect(ready.headers()["cache-control"]).toBe("no-store");
  const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean; kind?: string }> };
  expect(body.status).toBe("ready");
  expect(Object.keys(body.checks).sort()).toEqual(["database", "documents", "jobs", "masterKey"]);
  for (const check of Object.values(body.checks)) expect(check).toMatchObject({ ok: true, ms: expect.any(Number) });
  expect(["env", "file", "kms", "generated"]).toContain(body.checks.masterKey!.kind);

  // Setting up a fresh server signs its owner in: set up in a context of its own, then sign in afresh.
  const setup = await browser.newContext();
  await ensureOwner(await setup.newPage());
  await setup.close();
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  const admin = (await (await context.request.get("/api/health")).json()) as {
    status: string;
    keys?: { ok: boolean; ms: number; backend: string }[];
  };
  expect(admin.status).toBe("ok");
  expect(Array.isArray(admin.keys)).toBe(true);
  for (const key of admin.keys!) expect(key).toMatchObject({ ok: true, ms: expect.any(Number) });
  await context.close();
});

test("/metrics answers the operator's token only, and is off without one", async ({ request }) => {
  const token = process.env.SIGNET_METRICS_TOKEN ?? "";
  if (token === "") {
    expect((await request.get("/metrics")).status()).toBe(404);
    return;
  }
  expect((await request.get("/metrics")).status()).toBe(401);
  expect((await request.get("/metrics", { headers: { authorization: `Bearer ${token}x` } })).status()).toBe(401);
  const metrics = await request.get("/metrics", { headers: { authorization: `Bearer ${token}` } });
  expect(metrics.status()).toBe(200);
  expect(metrics.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await metrics.text();
  for (const name of [
    "signet_seals_total",
    "signet_key_sign_duration_seconds",
    "signet_verification_queue_depth",
    "signet_background_job_lag_seconds",
    "signet_audit_outbox_pending",
    "signet_sign_in_throttled_total",
    "process_resident_memory_bytes",
  ])
    expect(text, name).toContain(`# TYPE ${name} `);
  // The server's background jobs run in the process that answers: their lag is a series per job.
  expect(text).toMatch(/^signet_background_job_lag_seconds\{job="siem-delivery"\} /m);
});
