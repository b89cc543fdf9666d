import { isIP } from "node:net";
import { ConfigError } from "@/lib/config/config-error";
import { readSettings, type Settings } from "@/lib/config/settings";

/** Who the passkeys belong to: the host name of SIGNET_PUBLIC_URL (a name, never an IP address) and its origin. */
export type RelyingParty = { id: string; name: string; origin: string };

export function relyingParty(settings: Pick<Settings, "publicUrl"> = readSettings()): RelyingParty {
  const url = new URL(settings.publicUrl);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) {
    throw new ConfigError(
      `Passkeys need a host name in SIGNET_PUBLIC_URL, not an IP address (${host}): browsers refuse WebAuthn for IP addresses. Use, for example, http://localhost:${url.port || "3000"}.`,
    );
  }
  return { id: url.hostname, name: "Signet", origin: url.origin };
}
