import { expect, test } from "@playwright/test";
import { formAlert, member, owner, signIn, signOut, submitSetup } from "@/e2e/accounts";
import { keepScreenshot } from "@/e2e/screens";

test.describe.configure({ mode: "serial" });

test("a newcomer is led to setup, which refuses bad input and keeps what was typed", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Signet" })).toBeVisible();
  await keepScreenshot(page, "01-setup");

  await page.getByLabel("Organisation").fill(owner.organisation);
  await page.getByLabel("Your name").fill(owner.name);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(formAlert(page)).toContainText("at least 12 characters");
  await expect(page.getByLabel("Organisation")).toHaveValue(owner.organisation);
});

test("setup → sign out → sign in → invite → the member accepts and signs in", async ({ page }) => {
  await page.goto("/setup");
  await submitSetup(page);
  await expect(page.getByRole("heading", { name: owner.organisation })).toBeVisible();
  await keepScreenshot(page, "02-dashboard");

  // Setup is gone once done.
  const setupAgain = await page.request.get("/setup");
  expect(setupAgain.status()).toBe(404);

  await signOut(page);
  await keepScreenshot(page, "03-sign-in");

  await signIn(page, owner.email, "not-the-password");
  await expect(formAlert(page)).toHaveText("The email address or password is not correct.");
  await expect(page.getByLabel("Email")).toHaveValue(owner.email);

  await signIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.getByRole("link", { name: "Members" }).click();
  await page.getByLabel("Email of the new member").fill(member.email);
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = page.getByTestId("invitation-link");
  await expect(link).toContainText("/invite/");
  const invitationUrl = (await link.textContent())!.trim();
  await expect(page.getByRole("cell", { name: member.email, exact: true })).toBeVisible();
  await keepScreenshot(page, "04-members");
  await signOut(page);

  await page.goto(invitationUrl);
  await expect(page.getByRole("heading", { name: `Join ${owner.organisation}` })).toBeVisible();
  await keepScreenshot(page, "05-accept-invitation");
  await page.getByLabel("Your name").fill(member.name);
  await page.getByLabel("Password").fill(member.password);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=joined$/);

  // The link works once.
  await page.goto(invitationUrl);
  await expect(formAlert(page)).toContainText("already been used");

  await signIn(page, member.email, member.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText("Signed in as")).toContainText(member.name);
  await expect(page.getByText("Signer", { exact: true })).toBeVisible();
  // A signer does not administer members.
  await expect(page.getByRole("link", { name: "Members" })).toHaveCount(0);
  const members = await page.request.get("/members", { maxRedirects: 0 });
  expect(members.status()).not.toBe(200);
  await signOut(page);

  // The owner sees every step in a verified audit chain.
  await signIn(page, owner.email, owner.password);
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
  for (const action of [
    "org.setup",
    "auth.sign_in_failed",
    "auth.sign_in",
    "invitation.created",
    "invitation.accepted",
  ]) {
    await expect(page.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  }
  await keepScreenshot(page, "06-audit");
});

test("a member founds a second organisation and switches between the two", async ({ page }) => {
  await signIn(page, member.email, member.password);
  await page.getByLabel("Name of the new organisation").fill("Sam Consulting");
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.getByRole("heading", { name: "Sam Consulting" })).toBeVisible();
  // Owner in the new organisation: members are managed here.
  await expect(page.getByRole("link", { name: "Members" })).toBeVisible();
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: owner.organisation });
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page.getByRole("heading", { name: owner.organisation })).toBeVisible();
  await expect(page.getByRole("link", { name: "Members" })).toHaveCount(0);
  await keepScreenshot(page, "07-switch-organisation");
  await signOut(page);
});

test("the main screens work at phone width", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, owner.email, owner.password);
  await page.getByRole("link", { name: "Members" }).click();
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await keepScreenshot(page, "08-members-phone");
});
