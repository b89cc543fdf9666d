import { describe, expect, it } from "vitest";
import { ConfigError } from "@/lib/config/config-error";
import { relyingParty } from "@/lib/auth/passkeys/relying-party";

describe("relyingParty", () => {
  it("takes the RP ID (host name) and the origin from SIGNET_PUBLIC_URL", () => {
    expect(relyingParty({ publicUrl: "http://localhost:3100" })).toEqual({
      id: "localhost",
      name: "Signet",
      origin: "http://localhost:3100",
    });
    expect(relyingParty({ publicUrl: "https://signet.example.com/base" })).toEqual({
      id: "signet.example.com",
      name: "Signet",
      origin: "https://signet.example.com",
    });
  });

  it("refuses an IP address, which browsers do not accept as an RP ID", () => {
    expect(() => relyingParty({ publicUrl: "http://127.0.0.1:3000" })).toThrow(ConfigError);
    expect(() => relyingParty({ publicUrl: "http://[::1]:3000" })).toThrow(/host name/);
  });
});
