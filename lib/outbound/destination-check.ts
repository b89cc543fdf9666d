import { classifyAddress } from "@/lib/outbound/address-class";
import { parseIpAddress } from "@/lib/outbound/ip-address";
import { allowsAddress, allowsHost, type OutboundAllowList } from "@/lib/outbound/outbound-allow-list";
import { destinationRefused } from "@/lib/outbound/outbound-errors";

/**
 * Whether a connection to `address` (what `hostname` resolved to, or the literal in the URL)
 * may be made: public addresses always, others only when the operator allowed the address
 * or the host name.
 */
export function isAllowedDestination(hostname: string, address: string, allow: OutboundAllowList): boolean {
  const parsed = parseIpAddress(address);
  if (parsed === null) return false;
  return classifyAddress(parsed) === "public" || allowsAddress(allow, parsed) || allowsHost(allow, hostname);
}

/** Throws "destination not allowed" when ANY of the addresses is refused (a name may not mix public and internal answers). */
export function assertAllowedDestination(
  hostname: string,
  addresses: readonly string[],
  allow: OutboundAllowList,
): void {
  if (addresses.length === 0) throw destinationRefused(`${hostname} resolved to no address`);
  const refused = addresses.find((address) => !isAllowedDestination(hostname, address, allow));
  if (refused !== undefined)
    throw destinationRefused(`${hostname} resolved to ${refused} (${classifyAddress(refused)})`);
}

/**
 * What can be told from the host alone, before any lookup: a literal internal address, or a
 * name that is always this host (localhost, *.localhost; RFC 6761). For early feedback when an
 * address is saved; the connection is checked again whatever this says.
 */
export function refusedBeforeLookup(hostname: string, allow: OutboundAllowList): boolean {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  if (parseIpAddress(host) !== null) return !isAllowedDestination(host, host, allow);
  const name = host.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost"))
    return !allowsHost(allow, name) && !allowsAddress(allow, "127.0.0.1");
  return false;
}
