import { expect, test, type Browser, type BrowserContext, type Cookie, type Page } from "@playwright/test";
import { ensureOwner, owner, signIn } from "@/e2e/accounts";

// Sessions end on the server: a session cookie copied before sign-out, "sign out everywhere"
// or a password change opens nothing afterwards, neither pages nor API routes. Runs after 01
// (the owner exists) or alone on a fresh server (it sets Signet up itself).
test.describe.configure({ mode: "serial" });

const API = "/api/audit/export?format=jsonl";

async function signedInContext(
  browser: Browser,
  password = owner.password,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, owner.email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  return { context, page };
}

/** A fresh browser holding only the copied cookies: what someone who stole them would have. */
async function withCopiedCookies(
  browser: Browser,
  cookies: Cookie[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  await context.addCookies(cookies);
  return { context, page: await context.newPage() };
}

async function expectOpens(copy: { context: BrowserContext; page: Page }): Promise<void> {
  await copy.page.goto("/dashboard");
  await expect(copy.page).toHaveURL(/\/dashboard$/);
  expect((await copy.context.request.get(API)).status()).toBe(200);
}

async function expectRefused(copy: { context: BrowserContext; page: Page }): Promise<void> {
  await copy.page.goto("/dashboard");
  await expect(copy.page).toHaveURL(/\/sign-in/);
  expect((await copy.context.request.get(API)).status()).toBe(401);
  expect((await copy.context.request.get("/api/auth/session")).ok()).toBe(true);
  expect(await (await copy.context.request.get("/api/auth/session")).json()).toBeNull();
}

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext();
  await ensureOwner(await context.newPage());
  await context.close();
});

test("a session cookie copied before sign-out opens neither pages nor APIs afterwards", async ({ browser }) => {
  const { context, page } = await signedInContext(browser);
  const copied = await context.cookies();
  const thief = await withCopiedCookies(browser, copied);
  await expectOpens(thief);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  const later = await withCopiedCookies(browser, copied);
  await expectRefused(later);
  await Promise.all([context.close(), thief.context.close(), later.context.close()]);
});

test("sign out everywhere, from another browser, ends this browser's session", async ({ browser }) => {
  const laptop = await signedInContext(browser);
  const copied = await laptop.context.cookies();
  const phone = await signedInContext(browser);

  await phone.page.goto("/account");
  const sessions = phone.page.getByRole("region", { name: "Sessions" });
  await sessions.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(phone.page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await laptop.page.goto("/dashboard");
  await expect(laptop.page).toHaveURL(/\/sign-in/);
  expect((await laptop.context.request.get(API)).status()).toBe(401);
  const copy = await withCopiedCookies(browser, copied);
  await expectRefused(copy);

  // Audited in the organisation's log.
  const again = await signedInContext(browser);
  await again.page.goto("/audit?action=auth.signed_out_everywhere");
  await expect(again.page.getByRole("cell", { name: "auth.signed_out_everywhere", exact: true }).first()).toBeVisible();
  await Promise.all([laptop.context.close(), phone.context.close(), copy.context.close(), again.context.close()]);
});

test("a password change ends the other sessions and keeps this one", async ({ browser }) => {
  const other = await signedInContext(browser);
  const copied = await other.context.cookies();
  const mine = await signedInContext(browser);
  const newPassword = `${owner.password}-changed`;

  await mine.page.goto("/account");
  const form = mine.page.getByRole("region", { name: "Password" });
  await form.getByLabel("Current password", { exact: true }).fill("not the password at all");
  await form.getByLabel("New password", { exact: true }).fill(newPassword);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("alert")).toContainText("Your current password is not correct.");
  await expectOpens(await withCopiedCookies(browser, copied));

  await form.getByLabel("Current password", { exact: true }).fill(owner.password);
  await form.getByLabel("New password", { exact: true }).fill(newPassword);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("status")).toContainText("Password changed");

  await expectRefused(await withCopiedCookies(browser, copied));
  await mine.page.goto("/dashboard");
  await expect(mine.page).toHaveURL(/\/dashboard$/);

  // Put the password back for the specs that follow.
  await mine.page.goto("/account");
  await form.getByLabel("Current password", { exact: true }).fill(newPassword);
  await form.getByLabel("New password", { exact: true }).fill(owner.password);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("status")).toContainText("Password changed");
  await Promise.all([other.context.close(), mine.context.close()]);
});

test("a form sent without a session leads to sign-in, not to an error", async ({ browser }) => {
  const { context, page } = await signedInContext(browser);
  await page.goto("/members");
  await page.getByLabel("Email of the new member").fill("late-comer@acme.test");
  await context.clearCookies();
  await page.getByRole("button", { name: "Create invitation" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByText("Something went wrong")).toHaveCount(0);
  await context.close();
});

test("switching to an organisation one does not belong to answers not-found, not a server error", async ({
  browser,
}) => {
  const pat = { name: "Pat Auditor", email: "pat@acme.test", password: "pat-long-enough-password" };
  const admin = await signedInContext(browser);
  await admin.page.goto("/members");
  const invite = admin.page.getByRole("form", { name: "Invite a member" });
  await invite.getByLabel("Email of the new member").fill(pat.email);
  await invite.getByLabel("Signer").uncheck();
  await invite.getByLabel("Auditor").check();
  await invite.getByRole("button", { name: "Create invitation" }).click();
  const invitationUrl = (await admin.page.getByTestId("invitation-link").textContent())!.trim();
  await admin.context.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(invitationUrl);
  await page.getByLabel("Your name").fill(pat.name);
  await page.getByLabel("Password").fill(pat.password);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=joined$/);
  await signIn(page, pat.email, pat.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByLabel("Name of the new organisation").fill("Pat Reviews");
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.getByRole("heading", { name: "Pat Reviews" })).toBeVisible();

  // A tampered choice: an organisation id Pat is not a member of.
  await page
    .locator("#org-switcher option")
    .first()
    .evaluate((option) => ((option as HTMLOptionElement).value = "6f1c2b1e-8d3a-4c55-9e1f-0a2b3c4d5e6f"));
  await page.locator("#org-switcher").selectOption({ index: 0 });
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: "Switch" }).click(),
  ]);
  expect(answer.status()).toBe(404);
  await expect(page.getByText(/could not be found|not found/i).first()).toBeVisible();
  await context.close();
});
