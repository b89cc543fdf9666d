import { describe, expect, it } from "vitest";
import { loggedPath, redactSecretPaths } from "@/lib/log/access-log";

describe("loggedPath", () => {
  it("drops the query string and the fragment", () => {
    expect(loggedPath("/api/auth/callback/credentials?code=abc&state=def")).toBe("/api/auth/callback/credentials");
    expect(loggedPath("/verify#top")).toBe("/verify");
  });

  it("redacts the segment after /invite, and only that one", () => {
    expect(loggedPath("/invite/tok")).toBe("/invite/[redacted]");
    expect(loggedPath("/invite/tok/accept")).toBe("/invite/[redacted]/accept");
    expect(loggedPath("/invite")).toBe("/invite");
    expect(loggedPath("/invite/")).toBe("/invite/");
  });

  it("keeps a malformed escape as written and decodes the well-formed ones around it", () => {
    expect(loggedPath("/a%zz/%E2%9C%93/%E2%9C")).toBe("/a%zz/✓/%E2%9C");
    expect(loggedPath("/invite%2F%zz")).toBe("/invite/[redacted]");
  });

  it("takes the path of an absolute-form target, and shortens a very long path", () => {
    expect(loggedPath("http://host.example/invite/tok?x")).toBe("/invite/[redacted]");
    expect(loggedPath("*")).toBe("/*");
    const long = loggedPath(`/${"a".repeat(5000)}`);
    expect(long).toHaveLength(1025);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("redactSecretPaths", () => {
  it("redacts the token of an invitation URL quoted in text, however it is spelled, and leaves route patterns", () => {
    expect(redactSecretPaths("GET http://h/invite/tok?x 200")).toBe("GET http://h/invite/[redacted]?x 200");
    expect(redactSecretPaths("/INVITE%2ftok and /invite\\tok and /invite//../tok")).toBe(
      "/INVITE%2f[redacted] and /invite\\[redacted] and /invite//../[redacted]",
    );
    expect(redactSecretPaths("at app/invite/[token]/actions.ts:12")).toBe("at app/invite/[token]/actions.ts:12");
    expect(redactSecretPaths("reinvite/abc invited/abc")).toBe("reinvite/abc invited/abc");
  });
});
