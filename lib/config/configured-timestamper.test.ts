import { describe, expect, it } from "vitest";
import { configuredTimestamper } from "@/lib/config/configured-timestamper";
import { HttpTimestamper } from "@/lib/engine/tsa/http-timestamper";

describe("configuredTimestamper", () => {
  it("is absent without SIGNET_TSA_URL, and an HTTP timestamper with it", () => {
    expect(configuredTimestamper({})).toBeUndefined();
    expect(configuredTimestamper({ SIGNET_TSA_URL: "  " })).toBeUndefined();
    expect(configuredTimestamper({ SIGNET_TSA_URL: "http://127.0.0.1:9/tsa" })).toBeInstanceOf(HttpTimestamper);
  });
  it("refuses a URL that is not one", () => {
    expect(() => configuredTimestamper({ SIGNET_TSA_URL: "not a url" })).toThrow(/not a valid URL/);
  });
});
