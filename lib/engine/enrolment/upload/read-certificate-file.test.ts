import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exportPkcs12, getTestPki, type TestCertificate, type TestPki } from "@/test/support/pki-fixtures";
import { concatBytes, contextConstructed, oid, readChildren, readSingle, sequence } from "@/lib/engine/asn1/der";
import { OID } from "@/lib/engine/asn1/oids";
import { opensslP7b } from "@/test/support/openssl-csr";
import {
  MAX_CERTIFICATE_FILE_BYTES,
  MAX_CERTIFICATES_PER_FILE,
  readCertificateFile,
} from "@/lib/engine/enrolment/upload/read-certificate-file";

let pki: TestPki;
let leaf: TestCertificate;
beforeAll(async () => {
  pki = await getTestPki();
  leaf = await pki.leaf("ec256");
});

const fingerprints = (input: Uint8Array | string) => readCertificateFile(input).map((c) => c.der);
const bytes = (text: string) => new TextEncoder().encode(text);

function failure(input: Uint8Array | string): { code: string; message: string; name: string } {
  try {
    readCertificateFile(input);
  } catch (error) {
    const e = error as { code: string; message: string; name: string };
    return { code: e.code, message: e.message, name: e.name };
  }
  throw new Error("expected an error");
}

describe("readCertificateFile accepts", () => {
  it("PEM with one or many certificates in any order, text in between, CRLF and a BOM, as text or bytes", () => {
    expect(fingerprints(leaf.certPem)).toEqual([leaf.certDer]);
    const messy = `\uFEFF${pki.root.certPem.replace(/\n/g, "\r\n")}\r\nBag Attributes\r\nsubject=/CN=x\r\n${leaf.certPem}junk\n${pki.intermediate.certPem}`;
    const expected = [pki.root.certDer, leaf.certDer, pki.intermediate.certDer];
    expect(fingerprints(messy)).toEqual(expected);
    expect(fingerprints(bytes(messy))).toEqual(expected);
  });

  it("a single DER certificate, and bare base64 of one", () => {
    expect(fingerprints(leaf.certDer)).toEqual([leaf.certDer]);
    expect(
      fingerprints(
        Buffer.from(leaf.certDer)
          .toString("base64")
          .replace(/(.{76})/g, "$1\n"),
      ),
    ).toEqual([leaf.certDer]);
    expect(fingerprints(bytes(Buffer.from(leaf.certDer).toString("base64")))).toEqual([leaf.certDer]);
  });

  it("PKCS#7 certs-only bundles (.p7b) in DER and PEM", async () => {
    const pem = leaf.certPem + pki.chainPem;
    const der = await opensslP7b(pki, pem, "DER");
    expect(fingerprints(der)).toEqual([leaf.certDer, pki.intermediate.certDer, pki.root.certDer]);
    const p7bPem = Buffer.from(await opensslP7b(pki, pem, "PEM")).toString();
    expect(p7bPem).toMatch(/^-----BEGIN PKCS7-----/);
    expect(fingerprints(p7bPem)).toEqual([leaf.certDer, pki.intermediate.certDer, pki.root.certDer]);
    // a PEM file mixing a PKCS7 block and a certificate
    expect(fingerprints(p7bPem.replace(/-----BEGIN PKCS7-----[\s\S]*$/, "") + leaf.certPem).length).toBe(1);
  });

  it("a BER (indefinite-length) .p7b, as some Windows and Java tools write it", () => {
    const indefinite = (tag: number, ...content: Uint8Array[]) =>
      concatBytes([Uint8Array.of(tag, 0x80), ...content, Uint8Array.of(0, 0)]);
    const ber = indefinite(
      0x30,
      oid(OID.signedData),
      indefinite(
        0xa0,
        indefinite(
          0x30,
          Uint8Array.of(0x02, 0x01, 0x01, 0x31, 0x00),
          concatBytes([Uint8Array.of(0x30, 0x0b), oid(OID.data)]),
          indefinite(0xa0, leaf.certDer, pki.root.certDer),
          Uint8Array.of(0x31, 0x00),
        ),
      ),
    );
    expect(fingerprints(ber)).toEqual([leaf.certDer, pki.root.certDer]);
  });

  it("OpenSSL's TRUSTED CERTIFICATE blocks (trust settings after the certificate)", () => {
    const trusted = execFileSync(
      "openssl",
      ["x509", "-in", leaf.certPath, "-trustout", "-addtrust", "emailProtection"],
      { encoding: "utf8" },
    );
    expect(trusted).toMatch(/BEGIN TRUSTED CERTIFICATE/);
    expect(fingerprints(trusted)).toEqual([leaf.certDer]);
  });

  it("reads hostile PEM (many BEGIN lines, no END) in linear time", () => {
    const hostile = "-----BEGIN CERTIFICATE-----\n".repeat(9000);
    const started = performance.now();
    expect(failure(hostile).code).toBe("upload.no_certificate");
    expect(failure(`${"x".repeat(200_000)}\n!`).code).toBe("upload.unreadable");
    expect(failure(`${" ".repeat(200_000)}!`).code).toBe("upload.unreadable");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("drops duplicates, keeping file order", () => {
    expect(fingerprints(leaf.certPem + pki.root.certPem + leaf.certPem)).toEqual([leaf.certDer, pki.root.certDer]);
  });
});

describe("readCertificateFile refuses, each with its own message", () => {
  it("an empty file", () => {
    for (const empty of ["", "  \n", new Uint8Array(0)])
      expect(failure(empty)).toMatchObject({
        name: "CertificateUploadError",
        code: "upload.no_certificate",
        message: expect.stringMatching(/^The file is empty\. Upload the certificate your CA issued/),
      });
  });

  it("garbage (binary or text) and a damaged certificate", () => {
    expect(failure(Uint8Array.of(0x30, 0x03, 1, 2, 3))).toMatchObject({
      code: "upload.unreadable",
      message: expect.stringMatching(/not a certificate Signet can read.*convert it to PEM/),
    });
    expect(failure(new Uint8Array(2000).fill(0xff))).toMatchObject({ code: "upload.unreadable" });
    expect(failure("Hello, this is my certificate!")).toMatchObject({
      code: "upload.unreadable",
      message: expect.stringMatching(/^The text is not a certificate/),
    });
    const damaged = leaf.certPem.replace(/\n(.{10})/, "\nAAAAAAAAAA");
    expect(failure(pki.root.certPem + damaged)).toMatchObject({
      code: "upload.unreadable",
      message: expect.stringMatching(/^The certificate 2 of the file is damaged or not an X\.509 certificate/),
    });
    expect(failure(leaf.certDer.subarray(0, 100))).toMatchObject({ code: "upload.unreadable" });
  });

  it("a PEM file without certificates, naming what it holds", () => {
    const publicKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({
      type: "spki",
      format: "pem",
    });
    expect(failure(publicKey)).toMatchObject({
      code: "upload.no_certificate",
      message: expect.stringMatching(/^The file holds no certificate \(it holds: PUBLIC KEY\)/),
    });
  });

  it("a private key, alone or next to the certificate, in PEM or DER", () => {
    const expected = {
      code: "upload.contains_private_key",
      message: expect.stringMatching(/^This file contains a private key\. Upload only the certificate and its chain/),
    };
    expect(failure(leaf.keyPem)).toMatchObject(expected);
    expect(failure(leaf.certPem + leaf.keyPem)).toMatchObject(expected);
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    expect(failure(new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" })))).toMatchObject(expected);
    expect(failure(new Uint8Array(privateKey.export({ type: "pkcs1", format: "der" })))).toMatchObject(expected);
    const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    expect(failure(new Uint8Array(ec.export({ type: "sec1", format: "der" })))).toMatchObject(expected);
  });

  it("the CSR instead of the certificate, in PEM or DER", () => {
    const csrPem = execFileSync(
      "openssl",
      ["req", "-new", "-key", leaf.keyPath, "-subj", "/CN=x", "-config", path.join(pki.dir, "ca.cnf")],
      { encoding: "utf8" },
    );
    const expected = {
      code: "upload.is_certificate_request",
      message:
        "This is the certificate request (CSR), not a certificate. Send it to your certification authority and upload the certificate they issue.",
    };
    expect(failure(csrPem)).toMatchObject(expected);
    const der = readSingle(new Uint8Array(Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ""), "base64"))).der;
    expect(failure(der)).toMatchObject(expected);
  });

  it("a PKCS#12 file, pointing to the PKCS#12 import", async () => {
    const p12 = await exportPkcs12(pki, leaf, { password: "x" });
    expect(failure(p12)).toMatchObject({
      code: "upload.is_pkcs12",
      message: expect.stringMatching(/^This is a PKCS#12 file \(\.p12\/\.pfx\).*Import PKCS#12/),
    });
  });

  it("a PKCS#7 that is damaged or carries no certificate", async () => {
    const empty = Buffer.from(await opensslP7b(pki, "", "DER"));
    expect(readChildren(readSingle(empty)).length).toBe(2);
    expect(failure(empty)).toMatchObject({
      code: "upload.no_certificate",
      message: expect.stringMatching(/^The PKCS#7 file holds no certificate/),
    });
    const notSignedData = sequence(oid(OID.signedData), contextConstructed(0, Uint8Array.of(0x02, 0x01, 0x01)));
    expect(failure(notSignedData)).toMatchObject({
      code: "upload.unreadable",
      message: expect.stringMatching(/^The PKCS#7 bundle is damaged and cannot be read/),
    });
    const pemOfOther = `-----BEGIN PKCS7-----\n${Buffer.from(sequence(oid(OID.data))).toString("base64")}\n-----END PKCS7-----\n`;
    expect(failure(pemOfOther)).toMatchObject({
      code: "upload.unreadable",
      message: expect.stringMatching(/^The PKCS#7 block is not a certificate bundle/),
    });
  });

  it("a file too large or with too many certificates", () => {
    expect(failure(new Uint8Array(MAX_CERTIFICATE_FILE_BYTES + 1))).toMatchObject({
      name: "CertificateUploadError",
      code: "upload.too_large",
      message: expect.stringMatching(/too large for a certificate/),
    });
    const many = Array.from({ length: MAX_CERTIFICATES_PER_FILE + 1 }, (_, i) => makeSelfSigned(i)).join("");
    expect(failure(many)).toMatchObject({
      code: "upload.too_many_certificates",
      message: `The file holds ${MAX_CERTIFICATES_PER_FILE + 1} certificates; upload at most ${MAX_CERTIFICATES_PER_FILE} (your certificate and its chain).`,
    });
  });
});

function makeSelfSigned(i: number): string {
  return execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-key",
      leaf.keyPath,
      "-subj",
      `/CN=many ${i}`,
      "-days",
      "1",
      "-config",
      path.join(pki.dir, "ca.cnf"),
    ],
    { encoding: "utf8" },
  );
}
