import { describe, expect, it } from "vitest";
import { clientAddressFrom, rateLimitSubject } from "./client-address";

describe("clientAddressFrom", () => {
  it("believes only the entry the server appended, or one further left behind a trusted proxy", () => {
    expect(clientAddressFrom("6.6.6.6, 203.0.113.7", false)).toBe("203.0.113.7");
    expect(clientAddressFrom("198.51.100.2, 203.0.113.7", true)).toBe("198.51.100.2");
    expect(clientAddressFrom("::ffff:203.0.113.7", false)).toBe("203.0.113.7");
    expect(clientAddressFrom(null, false)).toBeNull();
  });
});

describe("rateLimitSubject", () => {
  it("counts an IPv4 address alone", () => {
    expect(rateLimitSubject("203.0.113.7")).toBe("203.0.113.7");
  });

  it("counts every IPv6 address of one /64 together, however it is written", () => {
    const subject = rateLimitSubject("2001:db8:0:1::1");
    expect(subject).toBe("2001:db8:0:1::/64");
    expect(rateLimitSubject("2001:0DB8:0000:0001:ffff:ffff:ffff:ffff")).toBe(subject);
    expect(rateLimitSubject("2001:db8::1:0:0:0:9")).toBe(subject);
    expect(rateLimitSubject("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(rateLimitSubject("::ffff:192.0.2.1")).toBe("0:0:0:0::/64");
  });

  it("keeps apart addresses of different /64 networks", () => {
    expect(rateLimitSubject("2001:db8:0:1::1")).not.toBe(rateLimitSubject("2001:db8:0:2::1"));
  });

  it("leaves anything that is not an IP address as it is", () => {
    expect(rateLimitSubject("unknown-host")).toBe("unknown-host");
  });
});
