import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "@/e2e/chromium";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
const dataDir = process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `signet-e2e-${process.pid}`);
const root = path.resolve(import.meta.dirname, "..");

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  outputDir: path.join(root, "test-results", "e2e"),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"], ["json", { outputFile: path.join(root, "test-results", "e2e-report.json") }]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: { executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS },
  },
  projects: [{ name: "desktop", use: { viewport: { width: 1280, height: 800 } } }],
  webServer: {
    // The app tree npm test built and copied out of the checkout (E2E_APP_DIR), started as the
    // container starts it; without one, `npm start`'s own launcher (building when needed).
    command: process.env.E2E_APP_DIR
      ? path.join(process.env.E2E_APP_DIR, "start.sh")
      : `node ${path.join(root, "scripts", "start.mjs")}`,
    cwd: root,
    url: `${baseURL}/sign-in`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      SIGNET_PUBLIC_URL: baseURL,
      SIGNET_DATA_DIR: dataDir,
      SIGNET_LOG_LEVEL: "warn",
      // The SIEM receiver of 06-audit listens on loopback, which outbound requests may reach only when allowed.
      SIGNET_OUTBOUND_ALLOW: "127.0.0.1",
      NODE_ENV: "production",
      // Production on an external database refuses to generate secrets: give them, as an operator would.
      ...(process.env.E2E_DATABASE_URL
        ? {
            DATABASE_URL: process.env.E2E_DATABASE_URL,
            AUTH_SECRET: randomBytes(32).toString("base64"),
            SIGNET_MASTER_KEY: randomBytes(32).toString("base64"),
          }
        : {}),
    },
  },
});
