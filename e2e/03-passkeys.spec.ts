import { expect, test } from "@playwright/test";
import { formAlert, member, owner, signIn, signOut } from "@/e2e/accounts";
import { keepScreenshot } from "@/e2e/screens";
import { totpCode } from "@/e2e/totp";
import { addVirtualAuthenticator } from "@/e2e/webauthn";

test.describe.configure({ mode: "serial" });

test("the owner adds a passkey on the account page, signs out, and signs in with it", async ({ page }) => {
  const authenticator = await addVirtualAuthenticator(page);
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Account", exact: true })).toBeVisible();
  await expect(page.getByText("You have no passkeys yet.")).toBeVisible();

  const form = page.getByRole("form", { name: "Add a passkey" });
  // The password is asked again; a wrong one adds nothing.
  await form.getByLabel("Name of the passkey").fill("Olivia's laptop");
  await form.getByLabel("Your current password").fill("not-the-password");
  await form.getByRole("button", { name: "Add a passkey" }).click();
  await expect(formAlert(page)).toHaveText("Your current password is not correct.");
  expect(await authenticator.credentials()).toHaveLength(0);

  // Submitted from the keyboard.
  await form.getByLabel("Your current password").fill(owner.password);
  await form.getByLabel("Your current password").press("Enter");
  await expect(page.getByRole("status")).toContainText(`Passkey "Olivia's laptop" added`);
  await expect(page.getByRole("cell", { name: /^Olivia's laptop/ })).toBeVisible();
  const credentials = await authenticator.credentials();
  expect(credentials).toHaveLength(1);
  expect(credentials[0]).toMatchObject({ rpId: "localhost", isResidentCredential: true });
  await keepScreenshot(page, "10-account");

  await signOut(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText("Signed in as")).toContainText(owner.name);
  expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(0);

  // The passkey shows its last use; the audit log recorded registration and sign-in.
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("cell", { name: /^Olivia's laptop/ })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Never", exact: true })).toHaveCount(0);
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("cell", { name: "passkey.registered", exact: true })).toBeVisible();
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
  await signOut(page);
  await authenticator.remove();
});

test("without a registered passkey, passkey sign-in is refused in plain words", async ({ page }) => {
  // A new, empty authenticator: it holds no passkey for Signet.
  const authenticator = await addVirtualAuthenticator(page);
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(formAlert(page)).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
  await authenticator.remove();
});

test("the member sets up an authenticator app, sees recovery codes once, and turns it off with one", async ({
  page,
}) => {
  await signIn(page, member.email, member.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole("link", { name: "Account" }).click();

  const setUp = page.getByRole("form", { name: "Set up an authenticator app" });
  await setUp.getByLabel("Your current password").fill(member.password);
  await setUp.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const key = (await page.getByTestId("totp-secret").textContent())!.trim();
  expect(key.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);

  const confirm = page.getByRole("form", { name: "Confirm the authenticator app" });
  const code = totpCode(key);
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
  await confirm.getByLabel("The 6-digit code your app shows now").fill(wrong);
  await confirm.getByRole("button", { name: "Confirm code" }).click();
  await expect(formAlert(page)).toContainText("That code is not correct");

  await confirm.getByLabel("The 6-digit code your app shows now").fill(totpCode(key));
  await confirm.getByRole("button", { name: "Confirm code" }).click();
  const codes = page.getByTestId("recovery-codes").getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recoveryCode = (await codes.first().textContent())!.trim();
  expect(recoveryCode).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{5}$/);
  await keepScreenshot(page, "11-totp");

  await page.getByRole("button", { name: "I have saved my recovery codes" }).click();
  await expect(page.getByText("10 unused recovery codes left.")).toBeVisible();
  // Shown once: a reload does not show them again.
  await page.reload();
  await expect(page.getByTestId("recovery-codes")).toHaveCount(0);

  const turnOff = page.getByRole("form", { name: "Turn off the authenticator app" });
  await turnOff.getByLabel("Current code or a recovery code").fill(recoveryCode);
  await turnOff.getByRole("button", { name: "Turn off the authenticator app" }).click();
  await expect(page.getByRole("form", { name: "Set up an authenticator app" })).toBeVisible();
  await signOut(page);
});

test("the account page works at phone width", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Passkeys" })).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await keepScreenshot(page, "10-account-phone");
});
