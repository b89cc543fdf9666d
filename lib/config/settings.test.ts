import { describe, expect, it } from "vitest";
import { readSettings } from "@/lib/config/settings";

describe("SIGNET_PUBLIC_URL's default", () => {
  it("follows PORT, so stamp and invitation links reach the server people started", () => {
    expect(readSettings({ PORT: "8080" }).publicUrl).toBe("http://localhost:8080");
    expect(readSettings({}).publicUrl).toBe("http://localhost:3000");
    expect(readSettings({ PORT: "" }).publicUrl).toBe("http://localhost:3000");
  });

  it("is only a default: a configured address wins whatever the port", () => {
    expect(readSettings({ PORT: "8080", SIGNET_PUBLIC_URL: "https://sign.example.com/" }).publicUrl).toBe(
      "https://sign.example.com",
    );
  });
});
