import { describe, expect, it } from "vitest";
import { Pkcs11Error } from "@/lib/engine/keys/pkcs11/pkcs11-errors";
import { parseKeyId, parseKeyReference } from "@/lib/engine/keys/pkcs11/pkcs11-reference";

const modulePath = "/usr/lib/softhsm/libsofthsm2.so";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof Pkcs11Error ? error.code : "not a Pkcs11Error";
  }
}

describe("PKCS#11 key references", () => {
  it("reads a token label or slot, and a key label and/or hex id", () => {
    const parsed = parseKeyReference({ modulePath, tokenLabel: " Signing ", keyLabel: "seal", keyId: "0A:1b 2C" });
    expect(parsed).toMatchObject({
      tokenLabel: "Signing",
      slot: undefined,
      keyLabel: "seal",
      tokenText: '"Signing"',
      keyText: 'label "seal" (id 0a1b2c)',
    });
    expect(parsed.keyId?.toString("hex")).toBe("0a1b2c");
    expect(parseKeyReference({ modulePath, slot: 7, keyId: "01" }).tokenText).toBe("in slot 7");
  });

  it("refuses incomplete or malformed references with pkcs11.invalid_reference", () => {
    expect(codeOf(() => parseKeyReference({ modulePath, keyLabel: "k" }))).toBe("pkcs11.invalid_reference");
    expect(codeOf(() => parseKeyReference({ modulePath, tokenLabel: "t", slot: 1, keyLabel: "k" }))).toBe(
      "pkcs11.invalid_reference",
    );
    expect(codeOf(() => parseKeyReference({ modulePath, tokenLabel: "t" }))).toBe("pkcs11.invalid_reference");
    expect(codeOf(() => parseKeyReference({ modulePath, tokenLabel: "t", keyId: "xyz" }))).toBe(
      "pkcs11.invalid_reference",
    );
    expect(codeOf(() => parseKeyReference({ modulePath, tokenLabel: "t".repeat(33), keyId: "01" }))).toBe(
      "pkcs11.invalid_reference",
    );
    expect(codeOf(() => parseKeyReference({ modulePath: "", tokenLabel: "t", keyId: "01" }))).toBe(
      "pkcs11.invalid_reference",
    );
    expect(parseKeyId("abc")).toBeUndefined();
  });
});
