import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestCertificate, type TestPki } from "@/test/support/pki-fixtures";
import { parseCertificate } from "@/lib/engine/pki/certificate";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { opensslP7b } from "@/test/support/openssl-csr";
import { parseCertificateUpload } from "@/lib/engine/enrolment/upload/parse-certificate-upload";

let pki: TestPki;
let leaf: TestCertificate;
let spki: Uint8Array;
beforeAll(async () => {
  pki = await getTestPki();
  leaf = await pki.leaf("ec384");
  spki = await LocalKeyBackend.fromKeyFile(leaf.keyPem).publicKey();
});

describe("parseCertificateUpload", () => {
  it("finds the pending key's certificate and orders its chain, whatever the file's order", async () => {
    const file = pki.root.certPem + pki.tsa.certPem + leaf.certPem + pki.intermediate.certPem;
    const upload = parseCertificateUpload(file, { spki });
    expect(upload.leaf.der).toEqual(leaf.certDer);
    expect(upload.chain.map((c) => c.der)).toEqual([pki.intermediate.certDer, pki.root.certDer]);
    expect(upload.unrelated.map((c) => c.subject)).toEqual([parseCertificate(pki.tsa.certDer).subject]);

    const fromP7b = parseCertificateUpload(await opensslP7b(pki, pki.chainPem + leaf.certPem, "DER"), { spki });
    expect(fromP7b.leaf.der).toEqual(leaf.certDer);
    expect(fromP7b.chain).toHaveLength(2);
    expect(parseCertificateUpload(leaf.certDer, { spki })).toMatchObject({ chain: [], unrelated: [] });
  });

  it("refuses a certificate issued for another key, with the message the screen shows", async () => {
    const other = await pki.leaf("rsa2048");
    expect(() => parseCertificateUpload(other.certPem, { spki })).toThrow(
      expect.objectContaining({
        name: "CertificateUploadError",
        code: "upload.key_mismatch",
        status: 422,
        message: `This certificate was issued for a different key than the one this request was made with (the file holds the certificate of “${parseCertificate(other.certDer).subject}”). Upload the certificate your CA issued for this request's CSR.`,
      }),
    );
    expect(() => parseCertificateUpload(other.certPem + pki.chainPem, { spki })).toThrow(
      expect.objectContaining({
        code: "upload.key_mismatch",
        message: expect.stringMatching(
          /^None of the 3 certificates in the file was issued for the key this request was made with/,
        ),
      }),
    );
  });

  it("passes on the file errors: no certificate, garbage", () => {
    expect(() =>
      parseCertificateUpload("-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n", { spki }),
    ).toThrow(expect.objectContaining({ code: "upload.no_certificate" }));
    expect(() => parseCertificateUpload(Uint8Array.of(1, 2, 3, 4), { spki })).toThrow(
      expect.objectContaining({ code: "upload.unreadable" }),
    );
  });
});
