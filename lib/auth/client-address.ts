import { isIP } from "node:net";

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

/**
 * What a per-address limit counts against: an IPv4 address as it is, an IPv6 address by its /64
 * network (one subscriber is usually handed a whole /64, so counting single IPv6 addresses would
 * let one client rotate through 2^64 counters). Anything that is not an IP address is kept as is.
 */
export function rateLimitSubject(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

function expandIpv6(address: string): string[] {
  const withoutZone = address.split("%")[0] ?? address;
  const [head = "", tail] = withoutZone.split("::");
  const parts = (text: string) => (text === "" ? [] : text.split(":")).flatMap((part) => (part.includes(".") ? ipv4AsHextets(part) : [part]));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const zeros = Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((hextet) => Number.parseInt(hextet, 16).toString(16));
}

function ipv4AsHextets(dotted: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split(".").map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
