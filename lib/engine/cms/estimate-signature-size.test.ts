import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestKeyType, type TestPki } from "@/test/support/pki-fixtures";
import { startTestTsa, type TestTsa } from "@/test/support/tsa-server";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digestLength } from "@/lib/engine/crypto/hash";
import { HttpTimestamper } from "@/lib/engine/tsa/http-timestamper";
import { signPades } from "@/lib/engine/seal/create-pades-signature";
import {
  DEFAULT_TIMESTAMP_TOKEN_ALLOWANCE,
  estimateSignatureSize,
  maxSignatureLength,
} from "@/lib/engine/cms/estimate-signature-size";

let pki: TestPki;
let tsa: TestTsa;
beforeAll(async () => {
  pki = await getTestPki();
  tsa = await startTestTsa(pki);
});
afterAll(() => tsa?.stop());

describe("estimateSignatureSize", () => {
  const cases: [TestKeyType, HashAlgorithm][] = [
    ["rsa2048", "SHA-256"],
    ["rsa4096", "SHA-512"],
    ["ec256", "SHA-256"],
    ["ec384", "SHA-384"],
  ];
  for (const [key, hash] of cases) {
    it(`${key}/${hash}: bounds the real CMS tightly for B-B and safely for B-T`, async () => {
      const leaf = await pki.leaf(key);
      const backend = LocalKeyBackend.fromKeyFile(leaf.keyPem);
      const keyAlgorithm = await backend.keyAlgorithm();
      const certificates = [leaf.certDer, pki.intermediate.certDer, pki.root.certDer];
      for (let i = 0; i < 5; i++) {
        const bb = await signPades({
          contentDigest: new Uint8Array(digestLength(hash)).fill(i),
          hash,
          signerCertificate: leaf.certDer,
          chain: certificates.slice(1),
          backend,
        });
        const estimate = estimateSignatureSize({ certificates, keyAlgorithm, withTimestamp: false, hash });
        expect(estimate).toBeGreaterThanOrEqual(bb.cms.length);
        expect(estimate - bb.cms.length).toBeLessThanOrEqual(4); // ECDSA may come out a few bytes shorter
      }
      const bt = await signPades({
        contentDigest: new Uint8Array(digestLength(hash)),
        hash,
        signerCertificate: leaf.certDer,
        chain: certificates.slice(1),
        backend,
        timestamper: new HttpTimestamper({ url: tsa.url }),
      });
      const tokenSize = bt.timestamp!.token.length;
      expect(tokenSize).toBeLessThan(DEFAULT_TIMESTAMP_TOKEN_ALLOWANCE);
      expect(estimateSignatureSize({ certificates, keyAlgorithm, withTimestamp: true, hash })).toBeGreaterThanOrEqual(
        bt.cms.length,
      );
      // with the measured token size, the bound is tight
      const measured = estimateSignatureSize({
        certificates,
        keyAlgorithm,
        withTimestamp: true,
        hash,
        timestampTokenSize: tokenSize,
      });
      expect(measured).toBeGreaterThanOrEqual(bt.cms.length);
      expect(measured - bt.cms.length).toBeLessThanOrEqual(6);
    });
  }

  it("knows the largest signature of each key type", () => {
    expect(maxSignatureLength({ kind: "RSA", modulusBits: 3072 })).toBe(384);
    expect(maxSignatureLength({ kind: "EC", curve: "P-256" })).toBe(72);
    expect(maxSignatureLength({ kind: "EC", curve: "P-384" })).toBe(104);
    expect(maxSignatureLength({ kind: "EC", curve: "P-521" })).toBe(141);
  });
});
