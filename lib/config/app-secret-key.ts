import { hkdfSync } from "node:crypto";
import { ConfigError } from "@/lib/config/config-error";
import type { Env } from "@/lib/config/settings";

/**
 * A 32-byte key for one purpose, derived from AUTH_SECRET with HKDF-SHA256 and the purpose's
 * own label, so that secrets the server keeps at rest (TOTP seeds, SIEM webhook secrets) never
 * share a key. Changing AUTH_SECRET makes them unreadable, by design.
 */
export function appKeyFromSecret(authSecret: string, label: string, protects: string): Buffer {
  if (authSecret === "") throw new ConfigError(`AUTH_SECRET is empty: ${protects} cannot be protected.`);
  return Buffer.from(hkdfSync("sha256", Buffer.from(authSecret, "utf8"), Buffer.alloc(0), label, 32));
}

/** The same, for the running server (start-up puts AUTH_SECRET into the environment). */
export function appKeyFromEnvironment(label: string, protects: string, env: Env = process.env): Buffer {
  const secret = env.AUTH_SECRET;
  if (secret === undefined || secret === "")
    throw new ConfigError(`AUTH_SECRET is not set: ${protects} cannot be protected.`);
  return appKeyFromSecret(secret, label, protects);
}
