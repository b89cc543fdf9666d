import { isIP } from "node:net";

/**
 * The request header that carries the client's address to the app. Signet's HTTP server
 * (lib/http/signet-edge) removes any copy a client sent and writes it from the connection,
 * before Next.js sees the request; nothing else in a request says where it came from.
 */
export const CLIENT_ADDRESS_HEADER = "x-signet-client-address";

/**
 * The client's address as the server works it out for one connection: the socket's peer, or,
 * behind one trusted reverse proxy (SIGNET_TRUST_PROXY=1), the right-most X-Forwarded-For entry,
 * which that proxy appended (every entry left of it is whatever the client wrote). An entry
 * that is not an IP address is not believed: the socket's address is used instead.
 */
export function connectionClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustProxy: boolean,
): string | null {
  if (trustProxy && forwardedFor !== undefined) {
    const appended = ipAddress(forwardedFor.split(",").at(-1) ?? "");
    if (appended !== null) return appended;
  }
  return ipAddress(socketAddress ?? "");
}

/** The client's address as the server wrote it into the request (null when it could not tell). */
export function requestClientAddress(headers: { get(name: string): string | null }): string | null {
  return ipAddress(headers.get(CLIENT_ADDRESS_HEADER) ?? "");
}

/** An IP address as written, without an IPv4-mapped IPv6 prefix; null for anything else. */
function ipAddress(text: string): string | null {
  const trimmed = text.trim();
  const address = /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(trimmed) ? trimmed.slice(7) : trimmed;
  return isIP(address) === 0 ? null : address;
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
  const parts = (text: string) =>
    (text === "" ? [] : text.split(":")).flatMap((part) => (part.includes(".") ? ipv4AsHextets(part) : [part]));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const zeros = Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((hextet) => Number.parseInt(hextet, 16).toString(16));
}

function ipv4AsHextets(dotted: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split(".").map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
