import { describe, expect, it } from "vitest";
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
} from "@/lib/auth/totp/recovery-codes";

describe("recovery codes", () => {
  it("are ten distinct codes of three groups of five", () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes)
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  });

  it("are read forgivingly (case, separators, O for 0, I/L for 1) and hash per user", () => {
    const [code] = generateRecoveryCodes(1);
    const typed = ` ${code!.toUpperCase().replace(/-/g, " ")} `;
    expect(normaliseRecoveryCode(typed)).toBe(code!.replace(/-/g, ""));
    expect(normaliseRecoveryCode("oooo0-iiiil-11111")).toBe("000001111111111");
    expect(hashRecoveryCode("user-a", typed)).toBe(hashRecoveryCode("user-a", code!));
    expect(hashRecoveryCode("user-a", code!)).not.toBe(hashRecoveryCode("user-b", code!));
    expect(hashRecoveryCode("user-a", code!)).toMatch(/^[0-9a-f]{64}$/);
    expect(normaliseRecoveryCode("123456")).toBeNull();
  });
});
