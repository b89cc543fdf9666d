import fs from "node:fs";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { corpusFiles } from "@/test/support/pdf-corpus";
import { getTestPki } from "@/test/support/pki-fixtures";
import { createNssDb, pdfsig } from "@/test/support/pki-nss";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import { member, owner, signIn, signOut } from "@/e2e/accounts";
import { keepScreenshot } from "@/e2e/screens";
import { addVirtualAuthenticator } from "@/e2e/webauthn";

// Runs after 02-certificates.spec.ts, whose owner enrolled and activated a certificate (issued by
// the test CA of this worker process) for the platform key "Seal 2027 — Olivia Owner".
test.describe.configure({ mode: "serial" });

const corpus = (id: string) => {
  const file = corpusFiles().find((f) => f.id === id);
  if (file === undefined) throw new Error(`no corpus file ${id}`);
  return file.path;
};
const toSeal = [corpus("p03-libreoffice74-plain.pdf"), corpus("p13-qpdf-rotate90-page1.pdf")];
const sealed: { documentIds: string[]; batchId: string } = { documentIds: [], batchId: "" };

async function noHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test("the owner adds a passkey, uploads two PDFs, places the stamp, confirms with the passkey, seals both and downloads them", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const authenticator = await addVirtualAuthenticator(page);
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.getByRole("link", { name: "Account" }).click();
  const addPasskey = page.getByRole("form", { name: "Add a passkey" });
  await addPasskey.getByLabel("Name of the passkey").fill("Olivia's sealing laptop");
  await addPasskey.getByLabel("Your current password").fill(owner.password);
  await addPasskey.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status")).toContainText(`Passkey "Olivia's sealing laptop" added`);

  // Upload: two PDFs that seal, and two that are refused in plain words (nothing is kept of those).
  await page.getByRole("link", { name: "Documents" }).click();
  await expect(page.getByRole("heading", { name: "Documents", exact: true })).toBeVisible();
  await page
    .getByLabel("PDF files to upload")
    .setInputFiles([...toSeal, corpus("p22-not-pdf-png.pdf"), corpus("p12-qpdf-aes256-user-password.pdf")]);
  const uploads = page.getByRole("list", { name: "Uploads" });
  await expect(uploads.getByRole("listitem", { name: "p03-libreoffice74-plain.pdf" })).toContainText(
    "Accepted — 1 page",
    { timeout: 30_000 },
  );
  await expect(uploads.getByRole("listitem", { name: "p13-qpdf-rotate90-page1.pdf" })).toContainText(
    "Accepted — 1 page",
  );
  await expect(uploads.getByRole("listitem", { name: "p22-not-pdf-png.pdf" })).toContainText("Not a PDF");
  await expect(uploads.getByRole("listitem", { name: "p12-qpdf-aes256-user-password.pdf" })).toContainText(
    "Protected by a password — remove the protection and upload again.",
  );
  await expect(page.getByTestId("document-row")).toHaveCount(2);
  await keepScreenshot(page, "12-upload");

  // Placement: the stamp is moved with the keyboard and by dragging, then used on both documents.
  await page.getByRole("link", { name: "Place the seal on these 2 documents" }).click();
  await expect(page.getByRole("heading", { name: "Place the seal" })).toBeVisible();
  await expect(page.getByTestId("page-preview")).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  const position = page.locator("#stamp-position");
  const before = await position.textContent();
  const stamp = page.getByRole("button", { name: /^Seal stamp/ });
  await stamp.focus();
  await stamp.press("Shift+ArrowUp");
  await stamp.press("ArrowLeft");
  await expect(position).not.toHaveText(before ?? "");
  const box = (await stamp.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 60, box.y + box.height / 2 - 30, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByLabel("From left (pt)")).not.toHaveValue("");
  await page.getByRole("button", { name: "Use this position on every document" }).click();
  await page.getByLabel("Document", { exact: true }).selectOption({ label: "p13-qpdf-rotate90-page1.pdf" });
  await expect(page.getByRole("heading", { name: /p13-qpdf-rotate90-page1\.pdf — page 1 of 1/ })).toBeVisible();
  await expect(page.getByTestId("page-preview")).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await expect(page.getByLabel("Certificate", { exact: true })).toContainText("Olivia Owner");
  // The certificate's name has a comma: the picker shows it as written, never "Olivia Owner\, P.Eng.".
  const chosen = page.getByLabel("Certificate", { exact: true }).locator("option:checked");
  await expect(chosen).toHaveText(/^Olivia Owner, P\.Eng\. \(/);
  expect(await page.getByLabel("Certificate", { exact: true }).innerText()).not.toContain("\\");
  await expect(page.getByTestId("chosen-certificate")).toContainText("Common name: Olivia Owner, P.Eng.");
  await expect(page.getByTestId("chosen-certificate")).not.toContainText("\\");
  await page.getByLabel("Reason (optional)").fill("Approved for construction");
  await page.getByLabel("Location (optional)").fill("Toronto");
  await keepScreenshot(page, "13-placement");

  await page.getByRole("button", { name: "Seal 2 documents" }).click();
  await expect(page.getByRole("heading", { name: "Sealed", exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("2 of 2 sealed.")).toBeVisible();
  await keepScreenshot(page, "14-sealed");

  // Downloads: each sealed file, and the batch as a zip; pdfsig checks each one as an outsider would.
  const pki = await getTestPki();
  fs.mkdirSync(testInfo.outputDir, { recursive: true });
  const nss = await createNssDb([{ name: "signet-e2e-root", pem: pki.root.certPem }], testInfo.outputDir);
  const links = page.getByRole("link", { name: "Download sealed PDF" });
  await expect(links).toHaveCount(2);
  for (let i = 0; i < 2; i++) {
    const href = (await links.nth(i).getAttribute("href"))!;
    sealed.documentIds.push(href.split("/")[3]!);
    const [download] = await Promise.all([page.waitForEvent("download"), links.nth(i).click()]);
    const name = download.suggestedFilename();
    expect(name).toMatch(/^p(03|13)-.*-sealed\.pdf$/);
    const file = testInfo.outputPath(name);
    await download.saveAs(file);
    const original = fs.readFileSync(toSeal.find((p) => path.basename(p).replace(/\.pdf$/, "-sealed.pdf") === name)!);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, original.length).equals(original), `${name}: the original is a prefix`).toBe(true);
    const report = await pdfsig(nss, file);
    expect(report.output, report.output).toMatch(/Signature Validation: Signature is Valid\./);
    expect(report.output, report.output).toMatch(/Certificate Validation: Certificate is Trusted\./);
    expect(report.output).toMatch(/Signature Type: ETSI\.CAdES\.detached/);
    expect(report.output).toMatch(/Signer Certificate Common Name: Olivia Owner/);
    // What the seal says, as Signet's own verifier reads it back.
    const verification = await verifyPdf(new Uint8Array(bytes), { trustAnchors: [pki.root.certPem] });
    expect(verification.summary.allValid).toBe(true);
    expect(verification.signatures[0]).toMatchObject({
      verdict: "valid",
      signingReason: "Approved for construction",
      location: "Toronto",
    });
  }
  const zipLink = page.getByRole("link", { name: "Download all sealed files (zip)" });
  sealed.batchId = (await zipLink.getAttribute("href"))!.split("/")[4]!;
  const [zip] = await Promise.all([page.waitForEvent("download"), zipLink.click()]);
  expect(zip.suggestedFilename()).toMatch(/^sealed-documents-.*\.zip$/);
  const zipBytes = fs.readFileSync((await zip.path())!);
  expect(zipBytes.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");

  // The list says who sealed, when, with which certificate; the audit log holds each seal.
  await page.getByRole("link", { name: "Back to documents" }).click();
  const rows = page.getByTestId("document-row");
  await expect(rows).toHaveCount(2);
  for (const row of await rows.all()) {
    await expect(row).toContainText("Sealed");
    await expect(row).toContainText(owner.name);
    await expect(row.getByRole("cell").nth(5)).toContainText("Olivia Owner, P.Eng.");
    expect(await row.innerText()).not.toContain("\\");
  }
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("cell", { name: "seal.created", exact: true })).toHaveCount(2);
  await expect(page.getByRole("cell", { name: "document.rejected", exact: true })).toHaveCount(2);
  await expect(page.getByRole("cell", { name: "step_up.issued", exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
  await signOut(page);
  await authenticator.remove();
});

test("another organisation's documents and batches are never served", async ({ page }) => {
  expect(sealed.documentIds).toHaveLength(2);
  await signIn(page, member.email, member.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: "Sam Consulting" });
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByRole("heading", { name: "Sam Consulting" })).toBeVisible();
  for (const id of sealed.documentIds) {
    expect((await page.request.get(`/api/documents/${id}/sealed`)).status()).toBe(404);
    expect((await page.request.get(`/api/documents/${id}/original`)).status()).toBe(404);
  }
  expect((await page.request.get(`/api/documents/batches/${sealed.batchId}/zip`)).status()).toBe(404);
  // The placement page drops them too (and sealing would refuse them on the server).
  await page.goto(`/documents/seal?id=${sealed.documentIds[0]}&id=${sealed.documentIds[1]}`);
  await expect(page.getByText("No documents to seal were chosen.")).toBeVisible();
  await page.goto("/documents");
  await expect(page.getByText("No documents yet.")).toBeVisible();
  // The upload endpoint gives its verdict as JSON, in plain words; nothing is kept of a refused file.
  const upload = await page.request.post("/api/documents/upload", {
    headers: { "X-File-Name": "notes.pdf" },
    data: Buffer.from("%PDF-1.4\nnothing else\n"),
  });
  expect(upload.status()).toBe(422);
  expect(await upload.json()).toMatchObject({
    accepted: false,
    reason: "damaged",
    message: expect.stringMatching(/^Damaged/),
  });
  await page.reload();
  await expect(page.getByText("No documents yet.")).toBeVisible();

  // In the organisation that owns them, a signer may download them.
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: owner.organisation });
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByRole("heading", { name: owner.organisation })).toBeVisible();
  await page.goto("/documents");
  await expect(page.getByTestId("document-row")).toHaveCount(2);
  expect((await page.request.get(`/api/documents/${sealed.documentIds[0]}/sealed`)).status()).toBe(200);
  await signOut(page);
});

/** How many lines an element's text takes (one client rect per line box). */
async function linesOf(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  });
}

test("at 1280 px the status badges keep to one line, even beside a long file name (whose U+202E is dropped)", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  // A long name squeezes the other columns (it made "Sealed" break inside the word); its U+202E
  // (right-to-left override, which shows the rest of a name reversed) is dropped on upload and download.
  const longName =
    "Quarterly structural inspection report for the Northern Ontario bridge and tunnel rehabilitation programme, section 7 — final issue\u202E.pdf";
  const upload = await page.request.post("/api/documents/upload", {
    headers: { "X-File-Name": encodeURIComponent(longName) },
    data: fs.readFileSync(corpus("p01-gs10-pdfwrite-pdf14.pdf")),
  });
  expect(upload.status()).toBe(201);
  const uploaded = (await upload.json()) as { document: { id: string; fileName: string } };
  expect(uploaded.document.fileName).toBe(longName.replace("\u202E", ""));
  const original = await page.request.get(`/api/documents/${uploaded.document.id}/original`);
  expect(original.headers()["content-disposition"]).not.toMatch(/%E2%80%AE|\u202E/i);
  expect(original.headers()["content-disposition"]).toContain("final%20issue.pdf");

  await page.goto("/documents");
  await expect(page.getByTestId("document-row")).toHaveCount(3);
  const badges = page.getByTestId("document-row").locator(".badge.status-sealed, .badge.status-uploaded");
  await expect(badges).toHaveCount(3);
  await keepScreenshot(page, "15-documents-1280");
  for (const badge of await badges.all()) {
    await expect(badge).toHaveText(/^(Sealed|Ready to seal)$/);
    expect(await linesOf(badge), `the badge "${await badge.textContent()}" wraps`).toBe(1);
    const { height, lineHeight } = await badge.evaluate((e) => ({
      height: e.getBoundingClientRect().height,
      lineHeight: parseFloat(getComputedStyle(e).lineHeight),
    }));
    expect(height).toBeLessThan(lineHeight * 1.6);
  }
  // An empty file reads as what it is (it was "1 KB"), and is refused.
  await page
    .getByLabel("PDF files to upload")
    .setInputFiles({ name: "empty.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(0) });
  const empty = page.getByRole("list", { name: "Uploads" }).getByRole("listitem", { name: "empty.pdf" });
  await expect(empty).toContainText("0 bytes");
  await expect(empty.getByRole("alert")).toBeVisible({ timeout: 30_000 });
  await signOut(page);
});

test("every page names its icon, the icon and /favicon.ico answer, and no page load meets a 404", async ({ page }) => {
  const missing: string[] = [];
  page.on("response", (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error" && /404|Not Found/i.test(message.text())) missing.push(`console: ${message.text()}`);
  });
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  for (const screen of ["/documents", "/certificates", "/dashboard"]) {
    await page.goto(screen);
    const icons = await page
      .locator('head link[rel~="icon"]')
      .evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
    expect(icons.length, `${screen} names an icon`).toBeGreaterThan(0);
    for (const href of [...icons, new URL("/favicon.ico", page.url()).href]) {
      const response = await page.request.get(href);
      expect(response.status(), href).toBe(200);
      expect(response.headers()["content-type"], href).toMatch(/^image\//);
    }
  }
  await signOut(page);
  expect(missing).toEqual([]);
});

test("at 1280 px the top bar keeps Sign out on its line beside a long organisation name (shortened, never wrapped)", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const longName = "Northern Ontario Bridge & Tunnel Engineering Partners";
  await signIn(page, member.email, member.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByLabel("Name of the new organisation").fill(longName);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.getByRole("heading", { name: longName })).toBeVisible();
  const bar = page.locator("header.topbar");
  const signOutButton = bar.getByRole("button", { name: "Sign out" });
  const brand = bar.getByRole("link", { name: "Signet", exact: true });
  const organisation = bar.getByLabel("Organisation", { exact: true });
  await keepScreenshot(page, "16-topbar-long-organisation");
  const brandBox = (await brand.boundingBox())!;
  const centre = (b: { y: number; height: number }) => b.y + b.height / 2;
  for (const element of [
    signOutButton,
    organisation,
    bar.getByRole("button", { name: "Switch" }),
    bar.getByRole("link", { name: "Account" }),
  ]) {
    const box = (await element.boundingBox())!;
    expect(
      Math.abs(centre(box) - centre(brandBox)),
      `${await element.textContent()} is on the bar's line`,
    ).toBeLessThan(8);
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
  }
  expect(await linesOf(signOutButton)).toBe(1);
  expect((await bar.boundingBox())!.height).toBeLessThan(brandBox.height * 2 + 24);
  await expect(organisation).toHaveAttribute("title", longName);
  // The switcher shows the organisation now active (it kept showing the previous one after founding).
  await expect(organisation.locator("option:checked")).toHaveText(longName);
  await noHorizontalOverflow(page);

  // Back to the organisation the other specs expect.
  await organisation.selectOption({ label: owner.organisation });
  await bar.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByRole("heading", { name: owner.organisation })).toBeVisible();
  await signOut(page);
});

test("the documents and placement screens work at phone width", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/documents");
  await page.getByLabel("PDF files to upload").setInputFiles(corpus("p06-reportlab-simple.pdf"));
  await expect(page.getByRole("list", { name: "Uploads" })).toContainText("Accepted — 3 pages", { timeout: 30_000 });
  await noHorizontalOverflow(page);
  await page.getByRole("link", { name: "Place the seal on this document" }).click();
  await expect(page.getByTestId("page-preview")).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await page.getByLabel("Page", { exact: true }).selectOption("3");
  await expect(page.getByRole("heading", { name: /page 3 of 3/ })).toBeVisible();
  await noHorizontalOverflow(page);
  await keepScreenshot(page, "13-placement-phone");
});
