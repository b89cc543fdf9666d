import { realpathSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { disposeSoftHsm, getSoftHsm, softHsmAvailability } from "@/test/support/softhsm-token";
import { acquirePkcs11Module, releasePkcs11Module } from "@/lib/engine/keys/pkcs11/pkcs11-module";
import { ckrOf } from "@/lib/engine/keys/pkcs11/map-pkcs11-error";
import { CKR } from "@/lib/engine/keys/pkcs11/pkcs11-constants";

const softhsm = softHsmAvailability();

describe.skipIf(!softhsm.available)("the shared PKCS#11 module", () => {
  it("is initialised once per library file (even through a symlink), finalised by the last release, and initialised again later", async () => {
    const hsm = getSoftHsm();
    await hsm.initToken("module-one");
    const real = realpathSync(hsm.modulePath);
    const first = acquirePkcs11Module(hsm.modulePath);
    const second = acquirePkcs11Module(real); // a second C_Initialize would fail with CKR_CRYPTOKI_ALREADY_INITIALIZED
    expect(second.api).toBe(first.api);
    const labels = () => first.api.C_GetSlotList(true).map((slot) => first.api.C_GetTokenInfo(slot).label.trim());
    expect(labels()).toContain("module-one");

    releasePkcs11Module(second);
    expect(labels()).toContain("module-one"); // still initialised for the first user
    releasePkcs11Module(first);
    let error: unknown;
    try {
      first.api.C_GetSlotList(true);
    } catch (e) {
      error = e;
    }
    expect(ckrOf(error)).toBe(CKR.CRYPTOKI_NOT_INITIALIZED);

    // SoftHSM lists tokens at C_Initialize: one created now is seen once the module is initialised again.
    await hsm.initToken("module-two");
    const again = acquirePkcs11Module(hsm.modulePath);
    try {
      expect(labels()).toEqual(expect.arrayContaining(["module-one", "module-two"]));
    } finally {
      releasePkcs11Module(again);
      disposeSoftHsm();
    }
  });
});
