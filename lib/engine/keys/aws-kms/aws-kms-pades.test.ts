import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { opensslCmsVerify } from "@/test/support/pki-openssl";
import { startTestKms, type TestKmsKeySpec, type TestKmsServer } from "@/test/support/kms-server";
import { registerTestKmsKey } from "@/test/support/kms-fixtures";
import { issueCertificateForPublicKey } from "@/test/support/kms-certificate";
import { createPadesSignature } from "@/lib/engine/seal/create-pades-signature";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digest } from "@/lib/engine/crypto/hash";

let pki: TestPki;
let kms: TestKmsServer;
beforeAll(async () => {
  pki = await getTestPki();
  kms = await startTestKms();
});
afterAll(async () => {
  await kms?.stop();
});

const CASES: [TestKmsKeySpec, HashAlgorithm][] = [
  ["RSA_2048", "SHA-256"],
  ["RSA_3072", "SHA-384"],
  ["ECC_NIST_P256", "SHA-256"],
  ["ECC_NIST_P384", "SHA-384"],
  ["ECC_NIST_P521", "SHA-512"],
];

describe("a PAdES CMS signed through AWS KMS (test endpoint) verifies with openssl", () => {
  for (const [spec, hash] of CASES) {
    it(`${spec} / ${hash}: createPadesSignature over AwsKmsKeyBackend; openssl cms -verify accepts it and rejects tampered content`, async () => {
      const { description, backend } = await registerTestKmsKey(kms, spec);
      try {
        const certificate = await issueCertificateForPublicKey(pki, description.publicKey, `Signet KMS Signer ${spec}`);
        const content = new Uint8Array(randomBytes(4000));
        const before = kms.requests.length;
        const cms = await createPadesSignature({
          contentDigest: digest(hash, content),
          hash,
          signerCertificate: certificate.certDer,
          chain: [pki.intermediate.certDer, pki.root.certDer],
          backend,
        });
        expect(kms.requests.slice(before).map((r) => `${r.operation}:${String(r.body.MessageType)}`)).toEqual([
          "Sign:DIGEST",
        ]);
        const result = await opensslCmsVerify(cms, content, pki.root.certPem);
        expect(result.output).toContain("Verification successful");
        expect(result.ok).toBe(true);
        content[0] = (content[0] as number) ^ 1;
        expect((await opensslCmsVerify(cms, content, pki.root.certPem)).ok).toBe(false);
      } finally {
        backend.destroy();
      }
    });
  }
});
