/**
 * The client's address from X-Forwarded-For. The Next.js server appends the socket's address
 * as the last entry, so without a trusted proxy in front only that entry is believed (a
 * client can write anything into the earlier ones). Behind one trusted reverse proxy
 * (SIGNET_TRUST_PROXY=1) the proxy's view, one entry further left, is used.
 */
export function clientAddressFrom(forwardedFor: string | null, trustProxy: boolean): string | null {
  if (forwardedFor === null) return null;
  const entries = forwardedFor
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const index = trustProxy && entries.length >= 2 ? entries.length - 2 : entries.length - 1;
  const address = entries[index];
  return address === undefined ? null : address.replace(/^::ffff:/, "").slice(0, 64);
}
