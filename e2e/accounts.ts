import { expect, type Page } from "@playwright/test";

export const owner = {
  organisation: "Acme Structural Engineers",
  name: "Olivia Owner",
  email: "olivia@acme.test",
  password: "olivia-correct-horse-battery",
};
export const member = { name: "Sam Signer", email: "sam@acme.test", password: "sam-long-enough-password" };

/** The form's own alert (Next.js adds an empty route announcer with role=alert too). */
export const formAlert = (page: Page) => page.locator("p.alert[role=alert]");

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Fills the first-run setup page with the owner's organisation and account, and submits it. */
export async function submitSetup(page: Page): Promise<void> {
  await page.getByLabel("Organisation").fill(owner.organisation);
  await page.getByLabel("Your name").fill(owner.name);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Sets Signet up with the owner's organisation unless that is done (a spec run alone on a fresh server). */
export async function ensureOwner(page: Page): Promise<void> {
  await page.goto("/");
  if (/\/setup$/.test(page.url())) await submitSetup(page);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}
