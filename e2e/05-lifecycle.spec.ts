import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { issueFromCsr } from "@/test/support/openssl-csr";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import { corpusFiles } from "@/test/support/pdf-corpus";
import { getTestPki } from "@/test/support/pki-fixtures";
import { createNssDb, pdfsig } from "@/test/support/pki-nss";
import { formAlert, member, owner, signIn, signOut } from "@/e2e/accounts";
import { keepScreenshot } from "@/e2e/screens";
import { addVirtualAuthenticator } from "@/e2e/webauthn";

// Runs after 04-sealing.spec.ts: the owner's certificate "Seal 2027 — Olivia Owner" (call it A)
// is active and has sealed two documents. Here: a second administrator, dual control on, a
// rotation to a successor (B) approved by the other admin, a seal with B, dual control off
// again (itself approved), then A is revoked. The two downloads left in test-results/e2e-handoff
// are what 07-verify.spec.ts checks as a recipient.
test.describe.configure({ mode: "serial" });

const handoff = path.resolve(import.meta.dirname, "..", "test-results", "e2e-handoff");
const firstKey = "Seal 2027 — Olivia Owner";
const secondKey = "Seal 2028 — Olivia Owner";
const state: { certificateA: string; certificateB: string } = { certificateA: "", certificateB: "" };
const corpus = (id: string) => corpusFiles().find((f) => f.id === id)!.path;

async function openCertificate(page: Page, subjectPart: RegExp, keyLabel: string) {
  await page.getByRole("link", { name: "Certificates" }).click();
  const table = page.getByRole("table", { name: "Certificates" });
  const row = table.getByRole("row").filter({ hasText: keyLabel }).filter({ hasText: subjectPart });
  await row.first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Timeline" })).toBeVisible();
  return page.url().split("/").at(-1)!;
}

/** Signs in and waits for the dashboard, so that the next navigation does not cut the sign-in short. */
async function signInAs(page: Page, who: { email: string; password: string }) {
  await signIn(page, who.email, who.password);
  await expect(page).toHaveURL(/\/dashboard$/);
}

async function approveAsSam(page: Page, requestLabel: string) {
  await signInAs(page, member);
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: owner.organisation });
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByRole("heading", { name: owner.organisation })).toBeVisible();
  await page.getByRole("link", { name: "Approvals" }).click();
  const item = page.getByRole("listitem", { name: requestLabel });
  await expect(item).toBeVisible();
  await item.getByLabel("Comment (optional)").fill("Checked with Olivia by phone");
  await item.getByRole("button", { name: "Approve" }).click();
  // Carried out with this approval: the request moves to the closed ones.
  await expect(
    page.getByRole("table", { name: "Closed requests" }).getByRole("row").filter({ hasText: requestLabel }).first(),
  ).toContainText("Carried out");
  await expect(page.getByRole("listitem", { name: requestLabel })).toHaveCount(0);
  await signOut(page);
}

test("with dual control off the owner makes Sam an administrator, then turns dual control on", async ({ page }) => {
  await signInAs(page, owner);
  await page.getByRole("link", { name: "Approvals" }).click();
  await expect(page.getByTestId("dual-control-status")).toContainText("Dual control is off");
  const policy = page.getByRole("form", { name: "Approvals required" });
  await policy.getByLabel("Approvals required").fill("2");
  await policy.getByRole("button", { name: "Save policy" }).click();
  await expect(formAlert(page)).toContainText("this organisation has 1");

  await page.getByRole("link", { name: "Members" }).click();
  const roles = page.getByRole("form", { name: `Roles of ${member.name}` });
  await roles.getByLabel("Administrator").check();
  await roles.getByRole("button", { name: "Save roles" }).click();
  await expect(roles.getByRole("status")).toContainText("Roles saved: ADMIN, SIGNER");

  await page.getByRole("link", { name: "Approvals" }).click();
  await policy.getByLabel("Approvals required").fill("2");
  await policy.getByRole("button", { name: "Save policy" }).click();
  await expect(policy.getByRole("status")).toContainText("Approvals policy saved");
  await expect(page.getByTestId("dual-control-status")).toContainText("Dual control is on: 2 administrators");
  await signOut(page);
});

test("the owner enrols a successor and asks to rotate; the requester cannot approve; Sam approves; the old seal still verifies", async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  await signInAs(page, owner);
  await page.getByRole("link", { name: "Certificates" }).click();

  // A new key and its CA-issued certificate: the successor.
  const generate = page.getByRole("form", { name: "Generate a platform-managed key" });
  await generate.getByLabel("Key name").fill(secondKey);
  await generate.getByLabel("Algorithm").selectOption("EC-P256");
  await generate.getByRole("button", { name: "Generate key" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Key "${secondKey}" generated` })).toBeVisible();
  const card = page.getByRole("region", { name: `Key ${secondKey}` });
  await card.getByText("Create a certificate signing request").click();
  const csrForm = card.getByRole("form", { name: `Certificate signing request for ${secondKey}` });
  await csrForm.getByLabel("Country (two letters)").fill("CA");
  await csrForm.getByLabel("Name on the certificate").fill("Olivia Owner, P.Eng. (2028)");
  await csrForm.getByRole("button", { name: "Create request" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    card.getByRole("link", { name: "Download the request (PEM)" }).click(),
  ]);
  const pki = await getTestPki();
  const issued = await issueFromCsr(pki, fs.readFileSync((await download.path())!, "utf8"));
  const certificateFile = testInfo.outputPath("successor.pem");
  fs.mkdirSync(testInfo.outputDir, { recursive: true });
  fs.writeFileSync(certificateFile, issued.certPem + pki.chainPem);
  await card.getByText("Upload the issued certificate").click();
  const uploadForm = card.getByRole("form", { name: `Certificate for ${secondKey}` });
  await uploadForm.getByLabel("Certificate file").setInputFiles(certificateFile);
  await uploadForm.getByRole("button", { name: "Upload certificate" }).click();
  await expect(uploadForm.getByRole("status")).toContainText("Certificate accepted");
  await expect(page.getByRole("table", { name: "Certificates" })).toContainText("Enrolled, not active");
  await keepScreenshot(page, "20-lifecycle-dashboard");

  state.certificateA = await openCertificate(page, /Olivia Owner/, firstKey);
  await expect(page.getByTestId("lifecycle-state")).toHaveText("Active");
  await expect(page.getByTestId("seal-count")).toContainText("2");
  const rotate = page.getByRole("form", { name: "Rotate this certificate" });
  await rotate.getByLabel("Successor").selectOption({ index: 1 });
  await rotate.getByRole("button", { name: "Rotate" }).click();
  expect(
    await rotate.getByLabel("Reason for the rotation").evaluate((el: HTMLTextAreaElement) => el.validity.valueMissing),
  ).toBe(true);
  await rotate.getByLabel("Reason for the rotation").fill("Annual renewal; new licence number");
  await rotate.getByRole("button", { name: "Rotate" }).click();
  await expect(rotate.getByRole("status")).toContainText(
    "Request sent: it is carried out when another administrator approves it",
  );
  await expect(page.getByTestId("lifecycle-state")).toHaveText("Active");

  await page.getByRole("link", { name: "Approvals" }).click();
  const request = page.getByRole("listitem", { name: "Rotate a certificate" });
  await expect(request).toContainText("Annual renewal");
  await expect(request).toContainText("You made this request");
  await expect(request.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await keepScreenshot(page, "21-approvals-pending");
  await signOut(page);

  await approveAsSam(page, "Rotate a certificate");

  await signInAs(page, owner);
  await page.goto(`/certificates/${state.certificateA}`);
  await expect(page.getByTestId("lifecycle-state")).toHaveText("Superseded");
  const timeline = page.getByRole("list", { name: "Timeline" });
  await expect(timeline).toContainText("Rotated (superseded)");
  await expect(timeline).toContainText("Annual renewal");
  await expect(timeline).toContainText("approved by 1 other administrator");
  await expect(page.getByRole("form", { name: "Rotate this certificate" })).toHaveCount(0);
  await keepScreenshot(page, "22-certificate-superseded");
  await page.getByRole("link", { name: /2028/ }).click();
  await expect(page.getByTestId("lifecycle-state")).toHaveText("Active");
  state.certificateB = page.url().split("/").at(-1)!;

  // A document sealed by A before the rotation: unchanged, and still valid and trusted.
  await page.goto("/documents");
  const sealedLink = page.getByRole("link", { name: "Sealed PDF", exact: true }).first();
  const [sealedDownload] = await Promise.all([page.waitForEvent("download"), sealedLink.click()]);
  const oldSeal = testInfo.outputPath("sealed-by-A.pdf");
  await sealedDownload.saveAs(oldSeal);
  const nss = await createNssDb([{ name: "signet-e2e-root", pem: pki.root.certPem }], testInfo.outputDir);
  const report = await pdfsig(nss, oldSeal);
  expect(report.output, report.output).toMatch(/Signature Validation: Signature is Valid\./);
  expect(report.output).toMatch(/Signer Certificate Common Name: Olivia Owner, P\.Eng\.\n/);
  const verification = await verifyPdf(new Uint8Array(fs.readFileSync(oldSeal)), { trustAnchors: [pki.root.certPem] });
  expect(verification.summary.allValid).toBe(true);
  fs.mkdirSync(handoff, { recursive: true });
  fs.copyFileSync(oldSeal, path.join(handoff, "sealed-before-revocation.pdf"));
  await signOut(page);
});

test("a new seal uses the successor; the superseded certificate is not offered", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const authenticator = await addVirtualAuthenticator(page);
  await signInAs(page, owner);
  await page.getByRole("link", { name: "Account" }).click();
  const addPasskey = page.getByRole("form", { name: "Add a passkey" });
  await addPasskey.getByLabel("Name of the passkey").fill("Olivia's office desktop");
  await addPasskey.getByLabel("Your current password").fill(owner.password);
  await addPasskey.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status")).toContainText('Passkey "Olivia\'s office desktop" added');

  await page.getByRole("link", { name: "Documents" }).click();
  await page.getByLabel("PDF files to upload").setInputFiles([corpus("p06-reportlab-simple.pdf")]);
  await page.getByRole("link", { name: "Place the seal on this document" }).click();
  await expect(page.getByTestId("page-preview")).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  const certificate = page.getByLabel("Certificate", { exact: true });
  await expect(certificate).toContainText("2028");
  await expect(certificate.locator("option")).toHaveCount(1);
  await page.getByRole("button", { name: "Seal", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sealed", exact: true })).toBeVisible({ timeout: 60_000 });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download sealed PDF" }).first().click(),
  ]);
  const file = testInfo.outputPath("sealed-by-B.pdf");
  await download.saveAs(file);
  const pki = await getTestPki();
  const verification = await verifyPdf(new Uint8Array(fs.readFileSync(file)), { trustAnchors: [pki.root.certPem] });
  expect(verification.summary.allValid).toBe(true);
  expect(verification.signatures[0]?.signer?.subject).toContain("2028");
  fs.mkdirSync(handoff, { recursive: true });
  fs.copyFileSync(file, path.join(handoff, "sealed-by-successor.pdf"));
  await signOut(page);
  await authenticator.remove();
});

test("lowering the policy needs approval too; with dual control off the owner revokes the old certificate alone", async ({
  page,
}) => {
  await signInAs(page, owner);
  await page.getByRole("link", { name: "Approvals" }).click();
  const policy = page.getByRole("form", { name: "Approvals required" });
  await policy.getByLabel("Approvals required").fill("1");
  await policy.getByRole("button", { name: "Save policy" }).click();
  await expect(policy.getByRole("status")).toContainText("Request sent");
  await expect(page.getByTestId("dual-control-status")).toContainText("Dual control is on");
  await signOut(page);

  await approveAsSam(page, "Lower the approvals required");

  await signInAs(page, owner);
  await page.getByRole("link", { name: "Approvals" }).click();
  await expect(page.getByTestId("dual-control-status")).toContainText("Dual control is off");
  await expect(page.getByRole("table", { name: "Closed requests" })).toContainText("Carried out");
  await keepScreenshot(page, "23-approvals-closed");

  await page.goto(`/certificates/${state.certificateA}`);
  const revoke = page.getByRole("form", { name: "Revoke this certificate" });
  await revoke.getByLabel("Reason (RFC 5280)").selectOption({ label: "Cessation of operation" });
  await revoke.getByLabel("Effective from (UTC, optional)").fill("2099-01-01T00:00:00");
  await revoke.getByRole("button", { name: "Revoke" }).click();
  await expect(formAlert(page)).toContainText("cannot take effect in the future");
  await revoke.getByLabel("Effective from (UTC, optional)").fill("");
  await revoke.getByLabel("Comment (optional)").fill("Replaced by the 2028 certificate; office moved");
  await revoke.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("lifecycle-state")).toHaveText("Revoked");
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("RFC 5280 reason: cessationOfOperation");
  await keepScreenshot(page, "24-certificate-revoked");

  // The audit log holds every step, and its chain verifies.
  await page.getByRole("link", { name: "Audit log" }).click();
  for (const action of [
    "approval.requested",
    "approval.approved",
    "certificate.rotated",
    "certificate.revoked",
    "org.policy_changed",
  ]) {
    await expect(page.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  }
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
  await signOut(page);
});

test("a signer cannot manage certificates and an auditor sees only the audit log", async ({ page }) => {
  await signInAs(page, owner);
  await page.getByRole("link", { name: "Members" }).click();
  const roles = page.getByRole("form", { name: `Roles of ${member.name}` });
  await roles.getByLabel("Administrator").uncheck();
  await roles.getByRole("button", { name: "Save roles" }).click();
  await expect(roles.getByRole("status")).toContainText("Roles saved: SIGNER");
  await signOut(page);

  await signInAs(page, member);
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: owner.organisation });
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByRole("heading", { name: owner.organisation })).toBeVisible();
  await page.goto(`/certificates/${state.certificateB}`);
  await expect(page.getByTestId("lifecycle-state")).toHaveText("Active");
  await expect(page.getByRole("form", { name: "Revoke this certificate" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Approvals" })).toHaveCount(0);
  await page.goto("/approvals");
  await expect(page.getByRole("heading", { name: "Approvals" })).toHaveCount(0);
  await expect(page.getByText(/could not be found|not found/i).first()).toBeVisible();
  await page.goto("/dashboard");
  await signOut(page);

  // Sam as an auditor only: the audit log, nothing else.
  await signInAs(page, owner);
  await page.getByRole("link", { name: "Members" }).click();
  await roles.getByLabel("Signer").uncheck();
  await roles.getByLabel("Auditor").check();
  await roles.getByRole("button", { name: "Save roles" }).click();
  await expect(roles.getByRole("status")).toContainText("Roles saved: AUDITOR");
  await signOut(page);
  await signInAs(page, member);
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: owner.organisation });
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByRole("heading", { name: owner.organisation })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link")).toHaveText(["Dashboard", "Audit log", "Account"]);
  for (const path of ["/certificates", `/certificates/${state.certificateB}`, "/documents", "/members", "/approvals"]) {
    await page.goto(path);
    await expect(page.getByText(/could not be found|not found/i).first(), path).toBeVisible();
  }
  await page.goto("/audit");
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
  await signOut(page);
});
