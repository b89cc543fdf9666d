import {
  embeddedIpv4,
  ipRange,
  parseIpAddress,
  rangeContains,
  type IpAddress,
  type IpRange,
} from "@/lib/outbound/ip-address";

/**
 * What an address is, as far as an outbound request is concerned. Only "public" is reachable
 * by default: everything else is this host, the operator's networks, the cloud's metadata
 * service, or not a unicast destination at all.
 */
export type AddressClass =
  "public" | "loopback" | "private" | "link-local" | "unspecified" | "shared" | "multicast" | "reserved";

type Rule = [IpRange, AddressClass];

const IPV4_RULES: Rule[] = [
  [ipRange("0.0.0.0/8"), "unspecified"], // "this network"; 0.0.0.0 reaches this host on Linux
  [ipRange("10.0.0.0/8"), "private"],
  [ipRange("100.64.0.0/10"), "shared"], // carrier-grade NAT
  [ipRange("127.0.0.0/8"), "loopback"],
  [ipRange("169.254.0.0/16"), "link-local"], // includes the cloud metadata address 169.254.169.254
  [ipRange("172.16.0.0/12"), "private"],
  [ipRange("192.0.0.0/24"), "reserved"], // IETF protocol assignments
  [ipRange("192.0.2.0/24"), "reserved"], // documentation
  [ipRange("192.88.99.0/24"), "reserved"], // 6to4 relay anycast
  [ipRange("192.168.0.0/16"), "private"],
  [ipRange("198.18.0.0/15"), "reserved"], // benchmarking
  [ipRange("198.51.100.0/24"), "reserved"], // documentation
  [ipRange("203.0.113.0/24"), "reserved"], // documentation
  [ipRange("224.0.0.0/4"), "multicast"],
  [ipRange("240.0.0.0/4"), "reserved"], // includes the broadcast address
];

const IPV6_RULES: Rule[] = [
  [ipRange("::/128"), "unspecified"],
  [ipRange("::1/128"), "loopback"],
  [ipRange("64:ff9b:1::/48"), "private"], // local-use NAT64
  [ipRange("100::/64"), "reserved"], // discard
  [ipRange("2001::/23"), "reserved"], // IETF protocol assignments, Teredo among them
  [ipRange("2001:db8::/32"), "reserved"], // documentation
  [ipRange("3fff::/20"), "reserved"], // documentation
  [ipRange("fc00::/7"), "private"], // unique local
  [ipRange("fe80::/10"), "link-local"],
  [ipRange("fec0::/10"), "private"], // site-local (deprecated)
  [ipRange("ff00::/8"), "multicast"],
];

/** Global unicast: the only IPv6 space handed out for the public Internet. */
const IPV6_GLOBAL_UNICAST = ipRange("2000::/3");

function classify(address: IpAddress): AddressClass {
  const rules = address.family === 4 ? IPV4_RULES : IPV6_RULES;
  for (const [range, kind] of rules) if (rangeContains(range, address)) return kind;
  if (address.family === 4) return "public";
  // ::ffff:127.0.0.1, 64:ff9b::a9fe:a9fe, 2002:7f00:1:: … reach the IPv4 address they carry.
  const inner = embeddedIpv4(address);
  if (inner !== null) return classify(inner);
  return rangeContains(IPV6_GLOBAL_UNICAST, address) ? "public" : "reserved";
}

/** The class of an IPv4 or IPv6 literal; anything that is not an address is "reserved" (never reachable). */
export function classifyAddress(address: string | IpAddress): AddressClass {
  const parsed = typeof address === "string" ? parseIpAddress(address) : address;
  return parsed === null ? "reserved" : classify(parsed);
}
