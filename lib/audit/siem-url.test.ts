import { describe, expect, it } from "vitest";
import { parseSiemWebhookUrl } from "@/lib/audit/siem-url";

const strict = { allowHttp: false };

describe("SIEM webhook URLs", () => {
  it("accept https anywhere and http only to this host, unless the operator allows http", () => {
    expect(parseSiemWebhookUrl(" https://siem.example.com/hooks/signet ", strict)).toBe(
      "https://siem.example.com/hooks/signet",
    );
    for (const url of ["http://localhost:8080/x", "http://127.0.0.1/x", "http://[::1]:9000/"])
      expect(parseSiemWebhookUrl(url, strict)).toBe(url);
    expect(() => parseSiemWebhookUrl("http://siem.example.com/", strict)).toThrow(/https/);
    expect(() => parseSiemWebhookUrl("http://127.0.0.1.example.com/", strict)).toThrow(/https/);
    expect(parseSiemWebhookUrl("http://siem.internal/", { allowHttp: true })).toBe("http://siem.internal/");
  });

  it("refuse other schemes, credentials, fragments and non-URLs", () => {
    expect(() => parseSiemWebhookUrl("ftp://siem.example.com/", { allowHttp: true })).toThrow(/https/);
    expect(() => parseSiemWebhookUrl("file:///etc/passwd", { allowHttp: true })).toThrow(/https/);
    expect(() => parseSiemWebhookUrl("https://token@siem.example.com/", strict)).toThrow(/passwords/);
    expect(() => parseSiemWebhookUrl("https://siem.example.com/#x", strict)).toThrow(/fragment/);
    expect(() => parseSiemWebhookUrl("siem.example.com", strict)).toThrow(/not a web address/);
    expect(() => parseSiemWebhookUrl("", strict)).toThrow(/Enter/);
  });
});
