import { describe, expect, it } from "vitest";
import { allowsAddress, allowsHost, parseOutboundAllowList } from "@/lib/outbound/outbound-allow-list";

describe("the operator's outbound allow-list", () => {
  it("holds address ranges, single addresses and host names", () => {
    const list = parseOutboundAllowList(" 10.20.0.0/16, fd00:1::/48 ,127.0.0.1,Siem.Corp.Internal,, ");
    expect(list.hosts).toEqual(["siem.corp.internal"]);
    expect(list.ranges).toHaveLength(3);
    for (const address of [
      "10.20.0.1",
      "10.20.255.255",
      "fd00:1::5",
      "127.0.0.1",
      "::ffff:127.0.0.1",
      "::ffff:10.20.1.1",
    ])
      expect([address, allowsAddress(list, address)]).toEqual([address, true]);
    for (const address of ["10.21.0.1", "127.0.0.2", "fd00:2::1", "::1", "169.254.169.254"])
      expect([address, allowsAddress(list, address)]).toEqual([address, false]);
    expect(allowsHost(list, "SIEM.corp.internal.")).toBe(true);
    expect(allowsHost(list, "other.corp.internal")).toBe(false);
    expect(parseOutboundAllowList("")).toEqual({ ranges: [], hosts: [] });
  });

  it("refuses entries that are neither", () => {
    for (const entry of ["10.0.0.0/33", "::/129", "10.0.0.0/8/8", "1.2.3", "http://siem/", "a b", "*.corp"])
      expect(() => parseOutboundAllowList(entry)).toThrow(/neither/);
  });
});
