import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { issueFromCsr } from "@/test/support/openssl-csr";
import { getTestPki } from "@/test/support/pki-fixtures";
import { formAlert, member, owner, signIn, signOut } from "@/e2e/accounts";
import { keepScreenshot } from "@/e2e/screens";

test.describe.configure({ mode: "serial" });

test("an owner generates a platform-managed key; a bad name is refused and nothing is created", async ({ page }) => {
  await signIn(page, owner.email, owner.password);
  await page.getByRole("link", { name: "Certificates" }).click();
  await expect(page.getByRole("heading", { name: "Keys and certificates" })).toBeVisible();
  await expect(page.getByText("No signing keys yet.")).toBeVisible();

  const form = page.getByRole("form", { name: "Generate a platform-managed key" });
  await form.getByLabel("Key name").fill(" ");
  await form.getByRole("button", { name: "Generate key" }).click();
  await expect(formAlert(page)).toContainText("Give the key a name.");
  await expect(page.getByText("No signing keys yet.")).toBeVisible();

  await form.getByLabel("Key name").fill("Seal 2027 — Olivia Owner");
  await form.getByLabel("Algorithm").selectOption("EC-P256");
  await form.getByRole("button", { name: "Generate key" }).click();
  await expect(page.getByRole("status")).toContainText('Key "Seal 2027 — Olivia Owner" generated');
  const card = page.getByRole("region", { name: "Key Seal 2027 — Olivia Owner" });
  await expect(card).toContainText("Platform-managed");
  await expect(card).toContainText("ECDSA P-256");
  await keepScreenshot(page, "09-certificates");

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("cell", { name: "key.generated", exact: true })).toBeVisible();
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
  await signOut(page);
});

test("the owner requests a certificate, the CA issues it, the owner uploads and activates it", async ({
  page,
}, testInfo) => {
  await signIn(page, owner.email, owner.password);
  await page.getByRole("link", { name: "Certificates" }).click();
  const card = page.getByRole("region", { name: "Key Seal 2027 — Olivia Owner" });

  await card.getByText("Create a certificate signing request").click();
  const csrForm = card.getByRole("form", { name: "Certificate signing request for Seal 2027 — Olivia Owner" });
  await csrForm.getByLabel("Country (two letters)").fill("Canada");
  await csrForm.getByLabel("Name on the certificate").fill("Olivia Owner, P.Eng.");
  await csrForm.getByRole("button", { name: "Create request" }).click();
  await expect(formAlert(page)).toContainText("two-letter code");
  await csrForm.getByLabel("Country (two letters)").fill("CA");
  await csrForm.getByLabel("Licence or registration number").fill("PEO 100123");
  await csrForm.getByRole("button", { name: "Create request" }).click();
  await expect(csrForm.getByRole("status")).toContainText("Certificate signing request created");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    card.getByRole("link", { name: "Download the request (PEM)" }).click(),
  ]);
  const csrPem = fs.readFileSync(await download.path(), "utf8");
  expect(csrPem).toContain("BEGIN CERTIFICATE REQUEST");

  // The certificate authority (the test CA) issues the certificate.
  const pki = await getTestPki();
  const issued = await issueFromCsr(pki, csrPem);
  const certificateFile = testInfo.outputPath("issued-with-chain.pem");
  fs.writeFileSync(certificateFile, issued.certPem + pki.chainPem);

  // A certificate of another key is refused first.
  const strangerFile = testInfo.outputPath("stranger.pem");
  fs.writeFileSync(strangerFile, (await pki.leaf("ec256")).certPem);
  await card.getByText("Upload the issued certificate").click();
  const uploadForm = card.getByRole("form", { name: "Certificate for Seal 2027 — Olivia Owner" });
  await uploadForm.getByLabel("Certificate file").setInputFiles(strangerFile);
  await uploadForm.getByRole("button", { name: "Upload certificate" }).click();
  await expect(formAlert(page)).toContainText("different key");

  await uploadForm.getByLabel("Certificate file").setInputFiles(certificateFile);
  await uploadForm.getByRole("button", { name: "Upload certificate" }).click();
  await expect(uploadForm.getByRole("status")).toContainText("Certificate accepted");
  await expect(card.getByRole("cell", { name: /inactive/ })).toBeVisible();
  await card.getByRole("button", { name: /^Activate / }).click();
  await expect(card.getByRole("cell", { name: /^active/ })).toBeVisible();
  await keepScreenshot(page, "10-certificate-active");

  // The name has a comma: people see it as written, never as an RFC 4514 escape ("Olivia Owner\, P.Eng.").
  await page.reload();
  const table = page.getByRole("table", { name: "Certificates" });
  await expect(table.getByRole("link", { name: "Olivia Owner, P.Eng.", exact: true })).toBeVisible();
  await expect(card.getByRole("link", { name: "Olivia Owner, P.Eng.", exact: true })).toBeVisible();
  expect(await page.locator("main").innerText()).not.toContain("\\");
  await table.getByRole("link", { name: "Olivia Owner, P.Eng.", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Olivia Owner, P.Eng.", exact: true })).toBeVisible();
  await expect(page.getByTestId("certificate-subject")).toContainText("Common name: Olivia Owner, P.Eng.");
  await expect(page.getByTestId("certificate-subject")).toContainText("Serial number: PEO 100123");
  expect(await page.locator("main").innerText()).not.toContain("\\");
  await signOut(page);
});

test("a signer sees the certificates but cannot manage them", async ({ page }) => {
  await signIn(page, member.email, member.password);
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: owner.organisation });
  await page.getByRole("button", { name: "Switch" }).click();
  await page.getByRole("link", { name: "Certificates" }).click();
  await expect(page.getByRole("region", { name: "Key Seal 2027 — Olivia Owner" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Generate a platform-managed key" })).toHaveCount(0);
  await signOut(page);
});
