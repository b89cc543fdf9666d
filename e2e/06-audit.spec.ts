import { createHmac, createPublicKey, verify } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { parseCsv } from "@/lib/audit/csv";
import { owner, signIn } from "@/e2e/accounts";
import { keepScreenshot } from "@/e2e/screens";

// The owner of Acme (set up by 01) reads, filters and exports the audit log, signs a
// checkpoint that anyone can fetch, and forwards the log to a SIEM receiver run by this test.
test.describe.configure({ mode: "serial" });

type Entry = {
  id: string;
  seq: number;
  orgId: string | null;
  action: string;
  actorId: string | null;
  hash: string;
  prevHash: string;
};

async function openAudit(page: Page) {
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
}

async function tableColumn(page: Page, index: number): Promise<string[]> {
  return page.getByTestId("audit-entries").locator(`tbody tr td:nth-child(${index})`).allTextContents();
}

async function download(page: Page, linkName: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: linkName, exact: true }).click(),
  ]);
  return { name: file.suggestedFilename(), text: fs.readFileSync(await file.path(), "utf8") };
}

test("the owner filters the audit log by action and actor, sees the chain verified, and exports exactly the filtered entries", async ({
  page,
}) => {
  await openAudit(page);
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");

  await page.getByLabel("Action").selectOption("auth.sign_in");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=auth\.sign_in/);
  const actions = await tableColumn(page, 3);
  expect(actions.length).toBeGreaterThan(1);
  expect(new Set(actions)).toEqual(new Set(["auth.sign_in"]));
  expect(new Set(await tableColumn(page, 4)).size).toBeGreaterThan(1);

  await page.getByLabel("Actor").selectOption({ label: `${owner.name} <${owner.email}>` });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/actor=[0-9a-f-]{36}/);
  const ownerId = new URL(page.url()).searchParams.get("actor")!;
  expect(new Set(await tableColumn(page, 4))).toEqual(new Set([owner.email]));
  const shownSeqs = (await tableColumn(page, 1)).map(Number);
  expect(shownSeqs.length).toBeGreaterThan(0);
  await keepScreenshot(page, "30-audit-filtered");

  const jsonl = await download(page, "JSON Lines");
  expect(jsonl.name).toMatch(/^signet-audit-\d{8}T\d{6}Z\.jsonl$/);
  const entries = jsonl.text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Entry);
  expect(entries.map((e) => e.seq)).toEqual([...shownSeqs].reverse());
  for (const e of entries)
    expect(e).toMatchObject({
      action: "auth.sign_in",
      actorId: ownerId,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

  const csv = await download(page, "CSV");
  expect(csv.name).toMatch(/\.csv$/);
  const [header, ...records] = parseCsv(csv.text);
  expect(header).toEqual([
    "seq",
    "at",
    "action",
    "actorId",
    "actorEmail",
    "subjectType",
    "subjectId",
    "data",
    "id",
    "chainId",
    "orgId",
    "prevHash",
    "hash",
  ]);
  expect(records.map((r) => Number(r[0]))).toEqual(entries.map((e) => e.seq));
  expect(records.map((r) => r[4])).toEqual(entries.map(() => owner.email));
  expect(records.map((r) => r[10])).toEqual(entries.map((e) => e.orgId));
  expect(records.map((r) => r[12])).toEqual(entries.map((e) => e.hash));

  // Both exports are in the log, with their filters; the chain still verifies.
  await page.goto("/audit?action=audit.exported");
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
  const details = await tableColumn(page, 6);
  expect(details.slice(0, 2).map((d) => JSON.parse(d) as { format: string; filters: Record<string, string> })).toEqual([
    expect.objectContaining({ format: "csv", filters: { action: "auth.sign_in", actor: ownerId } }),
    expect.objectContaining({ format: "jsonl", filters: { action: "auth.sign_in", actor: ownerId } }),
  ]);

  // A bad filter is refused in words, not with an error page.
  await page.goto("/audit?action=drop.table");
  await expect(page.getByRole("alert").filter({ hasText: "Choose an action" })).toBeVisible();
  expect((await page.request.get("/api/audit/export?format=xml")).status()).toBe(400);
});

test("the owner signs a checkpoint that anyone can fetch and check without signing in", async ({ page, request }) => {
  await openAudit(page);
  await page.getByRole("button", { name: "Sign a checkpoint now" }).click();
  const message = page.getByRole("status").filter({ hasText: "Checkpoint signed at entry" });
  await expect(message).toBeVisible();
  const seq = Number(/entry (\d+)/.exec((await message.textContent())!)![1]);
  await expect(page.getByTestId("latest-checkpoint")).toContainText(`entry ${seq}`);
  await expect(page.getByRole("cell", { name: "audit.checkpoint_signed", exact: true }).first()).toBeVisible();
  await keepScreenshot(page, "31-audit-checkpoint");

  const href = (await page.getByTestId("checkpoint-url").getAttribute("href"))!;
  // `request` shares nothing with the signed-in page: no session cookie.
  const response = await request.get(new URL(href).pathname);
  expect(response.status()).toBe(200);
  const published = (await response.json()) as {
    latest: { seq: number; hash: string; keyId: string; statement: string; signature: string };
    checkpoints: unknown[];
  };
  expect(published.latest).toMatchObject({ seq, algorithm: "Ed25519" });
  expect(JSON.stringify(published)).not.toMatch(/auth\.sign_in|olivia|"data"/);

  const keys = (await (await request.get("/api/v1/audit/public-keys")).json()) as {
    keys: { id: string; publicKeyPem: string }[];
  };
  const key = keys.keys.find((k) => k.id === published.latest.keyId)!;
  expect(
    verify(
      null,
      Buffer.from(published.latest.statement),
      createPublicKey(key.publicKeyPem),
      Buffer.from(published.latest.signature, "base64"),
    ),
  ).toBe(true);
  expect(JSON.parse(published.latest.statement)).toMatchObject({
    type: "signet-audit-checkpoint/v1",
    seq,
    hash: published.latest.hash,
  });

  expect((await request.get("/api/v1/audit/checkpoints/00000000-0000-4000-8000-000000000000")).status()).toBe(404);
  expect((await request.get("/api/audit/export?format=jsonl")).status()).toBe(401);
});

test("the owner forwards the log to a SIEM: the secret is shown once, deliveries are signed with it", async ({
  page,
}) => {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/signet`;
    await openAudit(page);
    await page.getByLabel("Webhook URL").fill("http://siem.example.com/hook");
    await page.getByRole("button", { name: "Turn on forwarding" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Use https" })).toBeVisible();
    // The cloud metadata address (and any internal one the operator did not allow) is refused.
    await page.getByLabel("Webhook URL").fill("https://169.254.169.254/latest/meta-data/");
    await page.getByRole("button", { name: "Turn on forwarding" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "not allowed" })).toBeVisible();

    await page.getByLabel("Webhook URL").fill(url);
    await page.getByRole("button", { name: "Turn on forwarding" }).click();
    const secret = (await page.getByTestId("siem-secret").textContent())!.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await page.getByRole("button", { name: "Send a test event" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Test event delivered" })).toBeVisible();

    // The worker forwards the siem.changed entry (and what follows) within a few seconds.
    await expect
      .poll(() => received.filter((r) => r.headers["x-signet-event"] === "audit.entry").length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    for (const r of received) {
      const expected = `sha256=${createHmac("sha256", secret)
        .update(`${String(r.headers["x-signet-timestamp"])}.${r.body}`)
        .digest("hex")}`;
      expect(r.headers["x-signet-signature"]).toBe(expected);
    }
    const entry = JSON.parse(received.find((r) => r.headers["x-signet-event"] === "audit.entry")!.body) as Entry;
    expect(entry).toMatchObject({ action: "siem.changed", hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(received.some((r) => r.body.includes(secret))).toBe(false);

    await page.reload();
    await expect(page.getByTestId("siem-secret")).toHaveCount(0);
    await expect(page.getByTestId("siem-status")).toContainText("Last delivery");
    await keepScreenshot(page, "32-audit-siem");
    await page.getByRole("button", { name: "Turn off forwarding" }).click();
    await expect(page.getByTestId("siem-off")).toBeVisible();
    await expect(page.getByRole("button", { name: "Turn on forwarding" })).toBeVisible();
  } finally {
    receiver.close();
  }
});

test("the audit page works at phone width", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openAudit(page);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await keepScreenshot(page, "33-audit-phone");
});
