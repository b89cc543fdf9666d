import fs from "node:fs";
import { chromium } from "@playwright/test";

/** Debian's Chromium, or Playwright's own browser where one is installed; null when neither exists. */
export function findChromium(): string | null {
  const candidates = [process.env.SIGNET_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright has no browser of its own here.
  }
  return candidates.find((p): p is string => p !== undefined && p !== "" && fs.existsSync(p)) ?? null;
}

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
