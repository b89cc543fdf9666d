import { describe, expect, it } from "vitest";
import {
  CLIENT_ADDRESS_HEADER,
  connectionClientAddress,
  rateLimitSubject,
  requestClientAddress,
} from "@/lib/auth/client-address";

describe("connectionClientAddress", () => {
  it("is the socket's address unless a proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(connectionClientAddress("203.0.113.7", "6.6.6.6", false)).toBe("203.0.113.7");
    expect(connectionClientAddress("::ffff:203.0.113.7", undefined, false)).toBe("203.0.113.7");
    expect(connectionClientAddress("2001:db8::1", "6.6.6.6", false)).toBe("2001:db8::1");
    expect(connectionClientAddress(undefined, "6.6.6.6", false)).toBeNull();
  });

  it("behind a trusted proxy is the right-most X-Forwarded-For entry, the one the proxy appended", () => {
    expect(connectionClientAddress("10.0.0.2", "6.6.6.6, 198.51.100.2", true)).toBe("198.51.100.2");
    expect(connectionClientAddress("10.0.0.2", "198.51.100.2", true)).toBe("198.51.100.2");
    // No header, or an entry that is not an address: the proxy's own address, never the client's words.
    expect(connectionClientAddress("10.0.0.2", undefined, true)).toBe("10.0.0.2");
    expect(connectionClientAddress("10.0.0.2", "198.51.100.2, anything-at-all", true)).toBe("10.0.0.2");
  });
});

describe("requestClientAddress", () => {
  it("reads only the server's header, and only an IP address in it", () => {
    expect(
      requestClientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: "203.0.113.7", "x-forwarded-for": "6.6.6.6" })),
    ).toBe("203.0.113.7");
    expect(requestClientAddress(new Headers({ "x-forwarded-for": "6.6.6.6" }))).toBeNull();
    expect(requestClientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: "<script>" }))).toBeNull();
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
