import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type * as Pkcs11js from "pkcs11js";
import { CKA, CKC, CKF, CKK, CKM, CKO, CKR, CKS, CKU, ckrName } from "@/lib/engine/keys/pkcs11/pkcs11-constants";

const pkcs11js = createRequire(import.meta.url)("pkcs11js") as typeof Pkcs11js;
const named = pkcs11js as unknown as Record<string, unknown>;

describe("PKCS#11 constants", () => {
  const tables: [string, Record<string, number>][] = [
    ["CKA", CKA],
    ["CKC", CKC],
    ["CKK", CKK],
    ["CKM", CKM],
    ["CKO", CKO],
    ["CKR", CKR],
    ["CKU", CKU],
  ];
  for (const [prefix, table] of tables) {
    it(`${prefix}_* match the pkcs11js binding`, () => {
      for (const [name, value] of Object.entries(table))
        expect([`${prefix}_${name}`, value]).toEqual([`${prefix}_${name}`, named[`${prefix}_${name}`]]);
    });
  }

  it("CKF_* match the pkcs11js binding", () => {
    for (const [name, value] of Object.entries(CKF)) expect([name, value]).toEqual([name, named[`CKF_${name}`]]);
  });

  it("CKS_* (which pkcs11js does not export) have the standard's values", () => {
    expect(CKS).toEqual({
      RO_PUBLIC_SESSION: 0,
      RO_USER_FUNCTIONS: 1,
      RW_PUBLIC_SESSION: 2,
      RW_USER_FUNCTIONS: 3,
      RW_SO_FUNCTIONS: 4,
    });
  });

  it("names CKR values", () => {
    expect(ckrName(0xa0)).toBe("CKR_PIN_INCORRECT");
    expect(ckrName(0x12345)).toBe("CKR 0x00012345");
  });
});
