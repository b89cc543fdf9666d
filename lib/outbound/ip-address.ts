import { isIPv4, isIPv6 } from "node:net";

/** An IP address as a number: 32 bits for IPv4, 128 for IPv6. */
export type IpAddress = { family: 4 | 6; value: bigint };

/** A block of addresses: the first `bits` bits of `base`. */
export type IpRange = { family: 4 | 6; base: bigint; bits: number };

function parseIpv4(text: string): bigint {
  return text.split(".").reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function parseIpv6(text: string): bigint {
  let body = text;
  // A dotted IPv4 tail (::ffff:127.0.0.1) is two 16-bit groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const v4 = parseIpv4(dotted[1]!);
    body = `${body.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = body.includes("::") ? body.split("::") : [body, undefined];
  const headGroups = head === "" ? [] : head!.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** Parses an IPv4 or IPv6 literal (brackets and a %zone are accepted and dropped); null when it is not one. */
export function parseIpAddress(input: string): IpAddress | null {
  let text = input.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) return { family: 4, value: parseIpv4(text) };
  if (isIPv6(text)) return { family: 6, value: parseIpv6(text.toLowerCase()) };
  return null;
}

/** "10.0.0.0/8", "fd00::/8", or a single address (a /32 or /128). Null when it is neither. */
export function parseIpRange(input: string): IpRange | null {
  const [addressText, bitsText, ...rest] = input.trim().split("/");
  if (rest.length > 0 || addressText === undefined) return null;
  const address = parseIpAddress(addressText);
  if (address === null) return null;
  const width = address.family === 4 ? 32 : 128;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return null;
  const bits = bitsText === undefined ? width : Number(bitsText);
  if (bits > width) return null;
  return { family: address.family, base: address.value, bits };
}

export function rangeContains(range: IpRange, address: IpAddress): boolean {
  if (range.family !== address.family) return false;
  const shift = BigInt((range.family === 4 ? 32 : 128) - range.bits);
  return range.base >> shift === address.value >> shift;
}

/** Shorthand for constant tables: the range, or a thrown Error for a typo in the table itself. */
export function ipRange(text: string): IpRange {
  const range = parseIpRange(text);
  if (range === null) throw new Error(`not an address range: ${text}`);
  return range;
}

/** The IPv4 address inside an IPv6 address, for the forms that carry one: mapped, compatible, translated, NAT64, 6to4. */
export function embeddedIpv4(address: IpAddress): IpAddress | null {
  if (address.family !== 6) return null;
  const low32 = address.value & 0xffffffffn;
  for (const prefix of EMBEDDING_IN_LOW_32_BITS) if (rangeContains(prefix, address)) return { family: 4, value: low32 };
  if (rangeContains(SIX_TO_FOUR, address)) return { family: 4, value: (address.value >> 80n) & 0xffffffffn };
  return null;
}

const EMBEDDING_IN_LOW_32_BITS = [
  ipRange("::ffff:0:0/96"), // IPv4-mapped
  ipRange("::/96"), // IPv4-compatible (deprecated, but still routed by some stacks)
  ipRange("::ffff:0:0:0/96"), // IPv4-translated (SIIT)
  ipRange("64:ff9b::/96"), // NAT64 well-known prefix
];
const SIX_TO_FOUR = ipRange("2002::/16");
