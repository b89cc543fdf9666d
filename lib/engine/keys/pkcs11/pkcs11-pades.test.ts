import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { opensslCmsVerify } from "@/test/support/pki-openssl";
import { issueCertificateForPublicKey } from "@/test/support/kms-certificate";
import {
  disposeSoftHsm,
  getSoftHsm,
  softHsmAvailability,
  type SoftHsm,
  type SoftHsmToken,
} from "@/test/support/softhsm-token";
import { pkcs11ToolAvailability, pkcs11ToolKeypairgen } from "@/test/support/softhsm-pkcs11-tool";
import { createPadesSignature } from "@/lib/engine/seal/create-pades-signature";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digest } from "@/lib/engine/crypto/hash";
import { generatePkcs11Key, type Pkcs11KeyGenAlgorithm } from "@/lib/engine/keys/pkcs11/generate-pkcs11-key";
import { Pkcs11KeyBackend } from "@/lib/engine/keys/pkcs11/pkcs11-key-backend";

const softhsm = softHsmAvailability();
const tool = softhsm.available ? pkcs11ToolAvailability() : softhsm;

describe.skipIf(!softhsm.available)("a PAdES CMS signed by a SoftHSM2 token verifies with openssl", () => {
  let pki: TestPki;
  let hsm: SoftHsm;
  let token: SoftHsmToken;
  const opened: Pkcs11KeyBackend[] = [];
  beforeAll(async () => {
    pki = await getTestPki();
    hsm = getSoftHsm();
    token = await hsm.initToken("pades");
  });
  afterAll(async () => {
    for (const backend of opened) await backend.close();
    disposeSoftHsm();
  });

  async function sealAndVerify(backend: Pkcs11KeyBackend, hash: HashAlgorithm, name: string): Promise<void> {
    const certificate = await issueCertificateForPublicKey(
      pki,
      await backend.publicKey(),
      `Signet PKCS#11 Signer ${name}`,
    );
    const content = new Uint8Array(randomBytes(4000));
    const cms = await createPadesSignature({
      contentDigest: digest(hash, content),
      hash,
      signerCertificate: certificate.certDer,
      chain: [pki.intermediate.certDer, pki.root.certDer],
      backend,
    });
    const result = await opensslCmsVerify(cms, content, pki.root.certPem);
    expect(result.output).toContain("Verification successful");
    expect(result.ok).toBe(true);
    content[0] = (content[0] as number) ^ 1;
    expect((await opensslCmsVerify(cms, content, pki.root.certPem)).ok).toBe(false);
  }

  const GENERATED: [string, Pkcs11KeyGenAlgorithm, HashAlgorithm][] = [
    ["RSA 2048", { kind: "RSA", modulusBits: 2048 }, "SHA-256"],
    ["RSA 3072", { kind: "RSA", modulusBits: 3072 }, "SHA-384"],
    ["EC P-256", { kind: "EC", curve: "P-256" }, "SHA-256"],
    ["EC P-384", { kind: "EC", curve: "P-384" }, "SHA-384"],
    ["EC P-384", { kind: "EC", curve: "P-384" }, "SHA-512"],
  ];
  for (const [name, algorithm, hash] of GENERATED) {
    it(`${name} generated in the token / ${hash}: openssl cms -verify accepts it and rejects tampered content`, async () => {
      const key = await generatePkcs11Key({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        label: `pades ${name} ${hash}`,
        algorithm,
      });
      const backend = await Pkcs11KeyBackend.open({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        keyId: key.keyId,
        publicKey: key.publicKey,
      });
      opened.push(backend);
      await sealAndVerify(backend, hash, `${name} ${hash}`);
    });
  }

  it.skipIf(!tool.available)(
    "an existing key made with pkcs11-tool, found by label / SHA-512: openssl cms -verify accepts it",
    async () => {
      await pkcs11ToolKeypairgen(hsm, token, { keyType: "rsa:2048", label: "pades existing", id: "5ea1" });
      const backend = await Pkcs11KeyBackend.open({
        modulePath: hsm.modulePath,
        tokenLabel: token.label,
        pin: token.userPin,
        keyLabel: "pades existing",
      });
      opened.push(backend);
      await sealAndVerify(backend, "SHA-512", "existing RSA");
    },
  );
});
