import path from "node:path";
import type { Page } from "@playwright/test";

const dir = path.resolve(import.meta.dirname, "..", "artifacts", "screens");

/** Keeps a full-page screenshot of a main screen as a test artifact. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
