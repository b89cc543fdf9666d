import { ConfigError } from "@/lib/config/config-error";
import type { Env } from "@/lib/config/settings";

/**
 * The PKCS#11 libraries this server may load. A module path is code the server runs
 * (dlopen), so it comes only from the operator (SIGNET_PKCS11_MODULES, comma-separated
 * absolute paths), never as free text from an organisation administrator.
 */
export function allowedPkcs11Modules(env: Env = process.env): string[] {
  return (env.SIGNET_PKCS11_MODULES ?? "")
    .split(",")
    .map((path) => path.trim())
    .filter((path) => path !== "");
}

export function assertAllowedPkcs11Module(modulePath: string, env: Env = process.env): void {
  if (!allowedPkcs11Modules(env).includes(modulePath)) {
    throw new ConfigError(
      `The PKCS#11 library ${modulePath} is not one this server's operator allowed (SIGNET_PKCS11_MODULES).`,
    );
  }
}

/** The token PIN, read from the environment variable the key record names (the PIN itself is never stored). */
export function pkcs11Pin(pinEnv: string, env: Env = process.env): string {
  const pin = env[pinEnv];
  if (pin === undefined || pin === "")
    throw new ConfigError(
      `The PIN for this PKCS#11 key is expected in the environment variable ${pinEnv}, which is not set on the server.`,
    );
  return pin;
}
