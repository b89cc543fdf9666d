import { expect, test } from "@playwright/test";
import { ensureOwner, owner, signIn } from "@/e2e/accounts";

// GET /api/health through the running server: public and secret-free for anyone; the per-key
// section only for an administrator's session. Runs after 01 (the owner exists) or alone.
test.describe.configure({ mode: "serial" });

test("anyone reads the service's health; an administrator also reads each active key's", async ({
  browser,
  request,
}) => {
  const anonymous = await request.get("/api/health");
  expect(anonymous.status()).toBe(200);
  expect(anonymous.headers()["cache-control"]).toBe("no-store");
  const body = (await anonymous.json()) as Record<string, { kind?: string; ok?: boolean; ms?: number }>;
  expect(Object.keys(body).sort()).toEqual(["database", "masterKey", "status"]);
  expect(body).toMatchObject({ status: "ok", database: { ok: true, ms: expect.any(Number) }, masterKey: { ok: true } });
  expect(["env", "file", "kms", "generated"]).toContain(body.masterKey!.kind);

  const context = await browser.newContext();
  const page = await context.newPage();
  await ensureOwner(page);
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  const admin = (await (await context.request.get("/api/health")).json()) as {
    keys?: { ok: boolean; ms: number; backend: string }[];
  };
  expect(Array.isArray(admin.keys)).toBe(true);
  for (const key of admin.keys!) expect(key).toMatchObject({ ok: true, ms: expect.any(Number) });
  await context.close();
});
