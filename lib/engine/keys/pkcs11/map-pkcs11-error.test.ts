import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { CKR } from "@/lib/engine/keys/pkcs11/pkcs11-constants";
import { toPkcs11Error } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";

/** What the pkcs11js binding throws (its Pkcs11Error), built structurally. */
function bindingError(name: keyof typeof CKR, method: string): Error {
  const error = new Error(`CKR_${name}`) as Error & { code: number; method: string; nativeStack: string };
  error.name = "Pkcs11Error";
  error.code = CKR[name];
  error.method = method;
  error.nativeStack = "at PKCS11.C_Login (secret-pin-1234)";
  return error;
}

const context = { modulePath: "/opt/hsm/lib.so", token: '"Signing"', key: 'label "seal"' };

describe("mapping binding errors", () => {
  const cases: [keyof typeof CKR, string][] = [
    ["PIN_INCORRECT", "pkcs11.pin_incorrect"],
    ["PIN_LEN_RANGE", "pkcs11.pin_incorrect"],
    ["PIN_LOCKED", "pkcs11.pin_locked"],
    ["PIN_EXPIRED", "pkcs11.pin_locked"],
    ["TOKEN_NOT_PRESENT", "pkcs11.token_not_found"],
    ["KEY_HANDLE_INVALID", "pkcs11.key_not_found"],
    ["KEY_FUNCTION_NOT_PERMITTED", "pkcs11.unsupported_key"],
    ["DEVICE_ERROR", "pkcs11.device_error"],
    ["GENERAL_ERROR", "pkcs11.device_error"],
  ];
  for (const [ckr, code] of cases) {
    it(`CKR_${ckr} → ${code}`, () => {
      const error = toPkcs11Error(bindingError(ckr, "C_Login"), context);
      expect(error.code).toBe(code);
      expect(error.ckr).toBe(`CKR_${ckr}`);
      expect(error.operation).toBe("C_Login");
      expect(error.message).toContain(`CKR_${ckr}`);
    });
  }

  it("keeps only the function and CKR name of the binding's error as cause", () => {
    const error = toPkcs11Error(bindingError("DEVICE_ERROR", "C_Sign"), { ...context, operation: "C_Sign" });
    expect(String(error.cause)).toBe("Pkcs11ModuleError: C_Sign: CKR_DEVICE_ERROR");
    expect(inspect(error, { depth: 5 })).not.toContain("secret-pin-1234");
    expect(error.status).toBe(502);
  });

  it("a non-PKCS#11 failure is a device error", () => {
    expect(toPkcs11Error(new Error("PKCS11 module not loaded yet"), context).code).toBe("pkcs11.device_error");
  });
});
