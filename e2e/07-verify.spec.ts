import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { corpusFiles } from "@/test/support/pdf-corpus";
import { keepScreenshot } from "@/e2e/screens";
import { withOneByteChanged, withUnsignedUpdate } from "@/e2e/tamper";

// A recipient who has no account. Runs after 05-lifecycle.spec.ts, which rotated the owner's
// certificate, sealed one more document with the successor, revoked the original certificate
// (effective at once) and left two downloads for us.
test.describe.configure({ mode: "serial" });

const handoff = path.resolve(import.meta.dirname, "..", "test-results", "e2e-handoff");
function handedOver(name: string): Buffer {
  const file = path.join(handoff, name);
  if (!fs.existsSync(file))
    throw new Error(`${file} is missing: e2e/05-lifecycle.spec.ts writes it (run the whole e2e suite in order).`);
  return fs.readFileSync(file);
}
const pdf = (name: string, buffer: Buffer) => ({ name, mimeType: "application/pdf", buffer });
const notPdf = corpusFiles().find((f) => f.id === "p22-not-pdf-png.pdf")!.path;

async function verifyAsRecipient(page: Page, file: { name: string; mimeType: string; buffer: Buffer } | string) {
  await page.goto("/verify");
  await expect(page.getByRole("heading", { name: "Verify a sealed PDF" })).toBeVisible();
  expect(await page.context().cookies()).toEqual([]);
  await page.getByLabel("PDF to verify").setInputFiles(file);
}

async function noHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

let successor: Buffer;
let beforeRevocation: Buffer;
let sealRecordUrl = "";

test.beforeAll(() => {
  successor = handedOver("sealed-by-successor.pdf");
  beforeRevocation = handedOver("sealed-before-revocation.pdf");
});

test("a sealed file is valid: the answer first, the details on demand, the report to print or download", async ({
  page,
}) => {
  await verifyAsRecipient(page, pdf("sealed-by-successor.pdf", successor));
  const answer = page.getByTestId("document-answer");
  await expect(answer).toContainText("Valid", { timeout: 30_000 });
  await expect(answer).toContainText("The seal is valid and the file has not changed since it was sealed.");
  const signature = page.getByTestId("signature-answer");
  await expect(signature).toHaveCount(1);
  await expect(signature).toContainText("Valid");
  await expect(signature).toContainText("Olivia Owner");
  await signature.getByText("Details").click();
  await expect(signature).toContainText("Acme Structural Engineers");
  await expect(signature).toContainText("Yes: a certificate Signet manages for Acme Structural Engineers");
  await expect(signature).toContainText("Certificate now");
  await expect(signature).toContainText(/PAdES levelB-[BT]/);
  await expect(signature).toContainText(/Changed after signing\s*Nothing was added to the file after this signature/);
  await expect(signature).toContainText("In Signet's records");
  const record = signature.getByRole("link", { name: "seal record" });
  sealRecordUrl = (await record.getAttribute("href"))!;
  expect(sealRecordUrl).toMatch(/^\/verify\/[0-9a-f-]{36}$/);
  await keepScreenshot(page, "20-verify-valid");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download the report (JSON)" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("sealed-by-successor-verification.json");
  const report = JSON.parse(fs.readFileSync((await download.path())!, "utf8")) as {
    summary: { verdict: string };
    signatures: Array<{ signet?: { sealId?: string } }>;
  };
  expect(report.summary.verdict).toBe("valid");
  expect(`/verify/${report.signatures[0]!.signet!.sealId}`).toBe(sealRecordUrl);

  // The printed report: the answers with every detail, without the drop zone.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("button", { name: "Print the report" })).toBeHidden();
  await keepScreenshot(page, "21-verify-report-print");
  await page.emulateMedia({ media: "screen" });
});

test("one byte changed inside the signed range: invalid", async ({ page }) => {
  await verifyAsRecipient(page, pdf("one-byte-changed.pdf", withOneByteChanged(successor)));
  const answer = page.getByTestId("document-answer");
  await expect(answer).toContainText("Invalid", { timeout: 30_000 });
  await expect(answer).toContainText("The signature does not match the document.");
  await keepScreenshot(page, "22-verify-byte-changed");
});

test("an unsigned incremental update appended: changed after sealing", async ({ page }) => {
  await verifyAsRecipient(page, pdf("edited-after-sealing.pdf", withUnsignedUpdate(successor)));
  const answer = page.getByTestId("document-answer");
  await expect(answer).toContainText("Invalid", { timeout: 30_000 });
  await expect(answer).toContainText("The document was changed after it was sealed.");
  const signature = page.getByTestId("signature-answer");
  await signature.getByText("Details").click();
  await expect(signature).toContainText("Changed after signing");
  await keepScreenshot(page, "23-verify-changed-after-sealing");
});

test("sealed with a certificate revoked later: valid at signing time, revoked since", async ({ page }) => {
  await verifyAsRecipient(page, pdf("sealed-before-revocation.pdf", beforeRevocation));
  const answer = page.getByTestId("document-answer");
  await expect(answer).toContainText("Valid", { timeout: 30_000 });
  const signature = page.getByTestId("signature-answer");
  await expect(signature).toContainText(/The certificate was revoked on \d{4}-\d\d-\d\d.*after this seal was made/);
  await signature.getByText("Details").click();
  await expect(signature).toContainText(/Certificate at signing\s*Active/);
  await expect(signature).toContainText(/Certificate now\s*Revoked on \d{4}-\d\d-\d\d/);
  await keepScreenshot(page, "24-verify-revoked-since");
});

test("a file that is not a PDF: a clear error", async ({ page }) => {
  await verifyAsRecipient(page, notPdf);
  const error = page.getByTestId("verify-error");
  await expect(error).toContainText("Cannot be checked", { timeout: 30_000 });
  await expect(error).toContainText("This file is not a PDF document");
  await keepScreenshot(page, "25-verify-not-pdf");
});

test("the seal's public record: the recipient's file is checked in the browser against the sealed file", async ({
  page,
}) => {
  expect(sealRecordUrl).not.toBe("");
  await page.goto(sealRecordUrl);
  await expect(page.getByRole("heading", { name: "Seal record" })).toBeVisible();
  const record = page.getByTestId("seal-record");
  await expect(record).toContainText("Sealed by Olivia Owner");
  await expect(record).toContainText("Acme Structural Engineers");
  await expect(page.locator("main")).not.toContainText("@acme.test");
  const check = page.getByLabel("Your copy of the sealed PDF");
  await check.setInputFiles(pdf("sealed-by-successor.pdf", successor));
  await expect(page.getByTestId("hash-check")).toContainText("Same file");
  await keepScreenshot(page, "26-verify-seal-record");
  await check.setInputFiles(pdf("edited.pdf", withUnsignedUpdate(successor)));
  await expect(page.getByTestId("hash-check")).toContainText("Different file");

  const unknown = await page.goto("/verify/00000000-0000-4000-8000-000000000000");
  expect(unknown?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "No such seal" })).toBeVisible();
});

test("POST /api/v1/verify answers with the JSON report; the pages work at phone width", async ({ page, request }) => {
  const response = await request.post("/api/v1/verify", {
    headers: { "Content-Type": "application/pdf" },
    data: successor,
  });
  expect(response.status()).toBe(200);
  const report = (await response.json()) as {
    reportVersion: number;
    summary: { verdict: string; exitCode: number };
    signatures: Array<{ signet?: { inRecords: boolean } }>;
  };
  expect(report).toMatchObject({ reportVersion: 1, summary: { verdict: "valid", exitCode: 0 } });
  expect(report.signatures[0]!.signet).toMatchObject({ inRecords: true });
  const refused = await request.post("/api/v1/verify", {
    headers: { "Content-Type": "application/pdf" },
    data: Buffer.from("plain text"),
  });
  expect(refused.status()).toBe(400);
  expect(await refused.json()).toMatchObject({ error: { code: "pdf.not_pdf" } });

  await page.setViewportSize({ width: 390, height: 844 });
  await verifyAsRecipient(page, pdf("sealed-before-revocation.pdf", beforeRevocation));
  await expect(page.getByTestId("document-answer")).toContainText("Valid", { timeout: 30_000 });
  await page.getByTestId("signature-answer").getByText("Details").click();
  await noHorizontalOverflow(page);
  await keepScreenshot(page, "27-verify-phone");
  await page.goto(sealRecordUrl);
  await noHorizontalOverflow(page);
});
