import { describe, expect, it } from "vitest";
import { classifyAddress, type AddressClass } from "@/lib/outbound/address-class";

const cases: Record<AddressClass, string[]> = {
  public: [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "192.169.0.1",
    "169.253.255.255",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ],
  loopback: [
    "127.0.0.1",
    "127.255.255.254",
    "127.1.2.3",
    "::1",
    "[::1]",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "0:0:0:0:0:ffff:7f00:0001",
    "::127.0.0.1",
    "64:ff9b::7f00:1",
    "2002:7f00:1::",
    "::ffff:0:127.0.0.1",
  ],
  private: [
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "192.168.255.255",
    "fc00::1",
    "fd12:3456:789a::1",
    "fec0::1",
    "::ffff:10.1.2.3",
    "::ffff:192.168.1.1",
    "64:ff9b:1::a00:1",
  ],
  "link-local": [
    "169.254.0.1",
    "169.254.169.254",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    "fe80::1",
    "fe80::1%eth0",
    "febf::1",
  ],
  unspecified: ["0.0.0.0", "0.1.2.3", "::", "::ffff:0.0.0.0"],
  shared: ["100.64.0.1", "100.127.255.255", "::ffff:100.100.100.100"],
  multicast: ["224.0.0.1", "239.255.255.250", "ff02::1", "ff05::2", "::ffff:224.0.0.251"],
  reserved: [
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.51.100.7",
    "203.0.113.9",
    "198.18.0.1",
    "192.0.0.8",
    "2001:db8::1",
    "2001::1",
    "100::1",
    "4000::1",
    "3fff::1",
    "not an address",
    "localhost",
    "",
  ],
};

describe("classifyAddress", () => {
  for (const [expected, addresses] of Object.entries(cases)) {
    it(`classifies ${expected} addresses, in every notation`, () => {
      for (const address of addresses) expect([address, classifyAddress(address)]).toEqual([address, expected]);
    });
  }
});
