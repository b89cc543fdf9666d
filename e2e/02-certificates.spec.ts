import { expect, test } from "@playwright/test";
import { formAlert, member, owner, signIn, signOut } from "./accounts";
import { keepScreenshot } from "./screens";

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

test("a signer sees the certificates but cannot manage them", async ({ page }) => {
  await signIn(page, member.email, member.password);
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: owner.organisation });
  await page.getByRole("button", { name: "Switch" }).click();
  await page.getByRole("link", { name: "Certificates" }).click();
  await expect(page.getByRole("region", { name: "Key Seal 2027 — Olivia Owner" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Generate a platform-managed key" })).toHaveCount(0);
  await signOut(page);
});
