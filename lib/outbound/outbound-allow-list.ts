import {
  embeddedIpv4,
  parseIpAddress,
  parseIpRange,
  rangeContains,
  type IpAddress,
  type IpRange,
} from "@/lib/outbound/ip-address";
import { OutboundError } from "@/lib/outbound/outbound-errors";

/**
 * The operator's exceptions (SIGNET_OUTBOUND_ALLOW): address ranges ("10.20.0.0/16",
 * "fd00:1::/48", "127.0.0.1") whose addresses may be reached even though they are not public,
 * and host names ("siem.corp.internal") that may be reached whatever they resolve to.
 */
export type OutboundAllowList = { readonly ranges: readonly IpRange[]; readonly hosts: readonly string[] };

export const NOTHING_ALLOWED: OutboundAllowList = { ranges: [], hosts: [] };

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Parses the comma-separated list; an entry that is neither a range nor a host name is an error. */
export function parseOutboundAllowList(text: string): OutboundAllowList {
  const ranges: IpRange[] = [];
  const hosts: string[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    const range = parseIpRange(entry);
    if (range !== null) ranges.push(range);
    else if (HOST_NAME.test(entry) && !/^[\d.]+$/.test(entry)) hosts.push(entry);
    else
      throw new OutboundError(
        "outbound.bad_allow_list",
        `"${raw.trim()}" is neither an address range (10.0.0.0/8, fd00::/8, 127.0.0.1) nor a host name.`,
        { status: 500 },
      );
  }
  return { ranges, hosts };
}

export function allowsHost(list: OutboundAllowList, hostname: string): boolean {
  return list.hosts.includes(hostname.toLowerCase().replace(/\.$/, ""));
}

/** An IPv4-mapped (or otherwise embedded) address is matched as the IPv4 address it reaches, too. */
export function allowsAddress(list: OutboundAllowList, address: IpAddress | string): boolean {
  const parsed = typeof address === "string" ? parseIpAddress(address) : address;
  if (parsed === null) return false;
  const inner = embeddedIpv4(parsed);
  return list.ranges.some((range) => rangeContains(range, parsed) || (inner !== null && rangeContains(range, inner)));
}
