import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  disposeSoftHsm,
  getSoftHsm,
  softHsmAvailability,
  type SoftHsm,
  type SoftHsmToken,
} from "@/test/support/softhsm-token";
import {
  pkcs11ToolAvailability,
  pkcs11ToolKeypairgen,
  pkcs11ToolPrivateKeyListing,
} from "@/test/support/softhsm-pkcs11-tool";
import { tryToExtractPrivateKey } from "@/test/support/softhsm-child";
import { testSignRequest, verifiesWith } from "@/test/support/softhsm-fixtures";
import { keyAlgorithmOf, publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";
import { generatePkcs11Key, type Pkcs11KeyGenAlgorithm } from "@/lib/engine/keys/pkcs11/generate-pkcs11-key";
import { Pkcs11KeyBackend } from "@/lib/engine/keys/pkcs11/pkcs11-key-backend";
import { Pkcs11Error } from "@/lib/engine/keys/pkcs11/pkcs11-errors";

const softhsm = softHsmAvailability();
const tool = softhsm.available ? pkcs11ToolAvailability() : softhsm;

describe.skipIf(!softhsm.available)("generatePkcs11Key on SoftHSM2", () => {
  let hsm: SoftHsm;
  let token: SoftHsmToken;
  beforeAll(async () => {
    hsm = getSoftHsm();
    token = await hsm.initToken("generate");
  });
  const backends: Pkcs11KeyBackend[] = [];
  afterAll(async () => {
    for (const backend of backends) await backend.close();
    disposeSoftHsm();
  });

  const ALGORITHMS: Pkcs11KeyGenAlgorithm[] = [
    { kind: "RSA", modulusBits: 2048 },
    { kind: "RSA", modulusBits: 3072 },
    { kind: "EC", curve: "P-256" },
    { kind: "EC", curve: "P-384" },
  ];
  for (const algorithm of ALGORITHMS) {
    const name = algorithm.kind === "RSA" ? `RSA ${algorithm.modulusBits}` : `EC ${algorithm.curve}`;
    it(`${name}: a sensitive, non-extractable token key that signs; the public key returned is the key's`, async () => {
      const label = `gen ${name}`;
      const generated = await generatePkcs11Key({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        label,
        algorithm,
      });
      expect(generated.keyId).toMatch(/^[0-9a-f]{32}$/);
      expect(generated.algorithm).toEqual(algorithm);
      expect(keyAlgorithmOf(publicKeyFromSpki(generated.publicKey))).toEqual(algorithm);
      // Read back from the token after generation.
      expect(generated.protection).toEqual({
        token: true,
        private: true,
        sensitive: true,
        extractable: false,
        alwaysSensitive: true,
        neverExtractable: true,
        sign: true,
      });

      // Another process, straight through the PKCS#11 API, cannot get the private key out.
      const attempts = await tryToExtractPrivateKey(hsm, token, generated.keyId);
      expect(attempts[algorithm.kind === "RSA" ? "CKA_PRIVATE_EXPONENT" : "CKA_VALUE"]).toBe("CKR_ATTRIBUTE_SENSITIVE");
      expect(attempts.C_WrapKey).toBe("CKR_KEY_UNEXTRACTABLE");
      expect(Object.values(attempts)).not.toContain("revealed");

      // The key is found by the label and id returned, signs, and the signature verifies with the returned SPKI.
      const backend = await Pkcs11KeyBackend.open({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        keyId: generated.keyId,
        publicKey: generated.publicKey,
      });
      backends.push(backend);
      expect(backend.identity()).toMatchObject({ keyLabel: label, keyId: generated.keyId, tokenLabel: token.label });
      const request = testSignRequest("SHA-256");
      expect(verifiesWith(generated.publicKey, request, await backend.sign(request))).toBe(true);
    });
  }

  it.skipIf(!tool.available)(
    "pkcs11-tool, independently, lists the generated private key as sensitive, never extractable, for signing only",
    async () => {
      const generated = await generatePkcs11Key({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        label: "listed",
        algorithm: { kind: "EC", curve: "P-256" },
      });
      const listing = await pkcs11ToolPrivateKeyListing(hsm, token, generated.keyId);
      expect(listing).toMatch(/^\s*Usage:\s*sign\s*$/m);
      expect(listing).toMatch(/^\s*Access:\s*sensitive, always sensitive, never extractable, local\s*$/m);
    },
  );

  it.skipIf(!tool.available)(
    "control: the same extraction attempt does get a key that pkcs11-tool made extractable",
    async () => {
      await pkcs11ToolKeypairgen(hsm, token, {
        keyType: "rsa:2048",
        label: "extractable control",
        id: "e0e0",
        extraArgs: ["--extractable"],
      });
      expect((await tryToExtractPrivateKey(hsm, token, "e0e0")).C_WrapKey).toBe("revealed");
    },
  );

  it("refuses a label or an id already on the token, and algorithms it does not generate", async () => {
    const first = await generatePkcs11Key({
      modulePath: hsm.modulePath,
      tokenLabel: token.label,
      pin: token.userPin,
      label: "taken",
      id: "ab01",
      algorithm: { kind: "EC", curve: "P-256" },
    });
    expect(first.keyId).toBe("ab01");
    const attempt = (label: string, id: string | undefined, algorithm: Pkcs11KeyGenAlgorithm) =>
      generatePkcs11Key({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        label,
        id,
        algorithm,
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
    const sameLabel = await attempt("taken", undefined, { kind: "EC", curve: "P-256" });
    expect(sameLabel).toBeInstanceOf(Pkcs11Error);
    expect((sameLabel as Pkcs11Error).code).toBe("pkcs11.invalid_reference");
    expect((sameLabel as Pkcs11Error).message).toContain('already holds an object with label "taken"');
    expect(((await attempt("fresh", "AB:01", { kind: "EC", curve: "P-256" })) as Pkcs11Error).message).toContain(
      "already holds an object with id ab01",
    );
    const weak = (await attempt("weak", undefined, {
      kind: "RSA",
      modulusBits: 1024,
    } as unknown as Pkcs11KeyGenAlgorithm)) as Pkcs11Error;
    expect(weak.code).toBe("pkcs11.invalid_reference");
    expect(weak.message).toContain("not RSA 1024");
  });
});
