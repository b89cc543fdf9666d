import { SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
/**
 * Our CMS inside a real PDF, judged by poppler/NSS (pdfsig) and openssl: the
 * signature of a pyHanko-signed corpus file is replaced by one we make over the
 * same byte ranges with the test PKI (lib/pdf will do this for real).
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestKeyType, type TestPki } from "@/test/support/pki-fixtures";
import { createNssDb, pdfsig, type NssDb } from "@/test/support/pki-nss";
import { signaturesOfPdf, withContents } from "@/test/support/pki-signed-pdf";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { createPadesSignature } from "@/lib/engine/seal/create-pades-signature";
import { verifyCmsSignature } from "@/lib/engine/verify/verify-cms-signature";

const SOURCE = path.join(SIGNED_CORPUS_DIR, "s02-pyhanko-pades-bb-ec.pdf");

let pki: TestPki;
let nss: NssDb;
beforeAll(async () => {
  pki = await getTestPki();
  nss = await createNssDb([{ name: "signet test root", pem: pki.root.certPem }], pki.dir);
});

describe("our PAdES CMS in a PDF", () => {
  for (const key of ["rsa2048", "ec256", "ec384"] as TestKeyType[]) {
    it(`${key}: pdfsig says "Signature is Valid" and "Certificate is Trusted"`, async () => {
      const pdf = new Uint8Array(readFileSync(SOURCE));
      const [signature] = signaturesOfPdf(pdf);
      const leaf = await pki.leaf(key);
      const cms = await createPadesSignature({
        contentDigest: signature!.digest("SHA-256"),
        signerCertificate: leaf.certDer,
        chain: [pki.intermediate.certDer],
        backend: LocalKeyBackend.fromKeyFile(leaf.keyPem),
      });
      const file = path.join(pki.dir, `ours-${key}.pdf`);
      await writeFile(file, withContents(pdf, signature!, cms));
      const result = await pdfsig(nss, file);
      expect(result.output).toContain("Signature Validation: Signature is Valid.");
      expect(result.output).toContain("Certificate Validation: Certificate is Trusted.");
      const report = await verifyCmsSignature({
        cms,
        contentDigest: (h) => signature!.digest(h),
        trustAnchors: [pki.root.certPem],
        subFilter: signature!.subFilter,
      });
      expect(report).toMatchObject({ intact: true, padesLevel: "B-B", chain: { trust: "trusted" } });
    });
  }

  it("a signer whose EKU lacks emailProtection is flagged by pdfsig (why the profile check exists)", async () => {
    const pdf = new Uint8Array(readFileSync(SOURCE));
    const [signature] = signaturesOfPdf(pdf);
    const leaf = await pki.issue({
      name: "document signing only",
      key: "ec256",
      extendedKeyUsage: "1.3.6.1.5.5.7.3.36",
    });
    const cms = await createPadesSignature({
      contentDigest: signature!.digest("SHA-256"),
      signerCertificate: leaf.certDer,
      chain: [pki.intermediate.certDer],
      backend: LocalKeyBackend.fromKeyFile(leaf.keyPem),
    });
    const file = path.join(pki.dir, "ours-docsigning.pdf");
    await writeFile(file, withContents(pdf, signature!, cms));
    const result = await pdfsig(nss, file);
    expect(result.output).toContain("Signature is Valid.");
    expect(result.output).not.toContain("Certificate is Trusted.");
  });
});
