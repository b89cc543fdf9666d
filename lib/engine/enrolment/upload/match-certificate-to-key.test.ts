import { execFileSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { parseCertificate, parseCertificates, type Certificate } from "@/lib/engine/pki/certificate";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { matchCertificateToKey } from "@/lib/engine/enrolment/upload/match-certificate-to-key";

let pki: TestPki;
let ec: Certificate;
let rsa: Certificate;
let ecSpki: Uint8Array;
let ecKeyPath: string;
beforeAll(async () => {
  pki = await getTestPki();
  const ecLeaf = await pki.leaf("ec256");
  ec = parseCertificate(ecLeaf.certDer);
  ecKeyPath = ecLeaf.keyPath;
  rsa = parseCertificate((await pki.leaf("rsa2048")).certDer);
  ecSpki = await LocalKeyBackend.fromKeyFile(ecLeaf.keyPem).publicKey();
});

describe("matchCertificateToKey", () => {
  it("finds the certificate of the key among others, comparing keys canonically", () => {
    const root = parseCertificate(pki.root.certDer);
    expect(matchCertificateToKey([root, rsa, ec], ecSpki)).toBe(ec);
    expect(matchCertificateToKey([root, rsa], ecSpki)).toBeUndefined();
    expect(matchCertificateToKey([ec], ec.spki)).toBe(ec);
  });

  it("is undefined for a public key that cannot be read", () => {
    expect(matchCertificateToKey([ec], new Uint8Array([0x30, 0x00]))).toBeUndefined();
  });

  it("prefers the end-entity certificate when a CA certificate has the same key", () => {
    const caPem = execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-key",
        ecKeyPath,
        "-subj",
        "/CN=same key CA",
        "-days",
        "1",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-config",
        path.join(pki.dir, "ca.cnf"),
      ],
      { encoding: "utf8" },
    );
    const ca = parseCertificates(caPem)[0]!;
    expect(ca.basicConstraints?.ca).toBe(true);
    expect(matchCertificateToKey([ca, ec], ecSpki)).toBe(ec);
  });

  it("prefers the most recently issued certificate for the same key", async () => {
    const olderIssued = await pki.issue({
      name: "older",
      key: "ec256",
      notBefore: new Date(Date.now() - 10 * 86_400_000),
    });
    const older = parseCertificate(olderIssued.certDer);
    // openssl -force_pubkey: a second certificate for the key of `older`
    const pubPath = path.join(pki.dir, "older-pub.pem");
    execFileSync("openssl", ["pkey", "-in", olderIssued.keyPath, "-pubout", "-out", pubPath]);
    const newerPem = execFileSync(
      "openssl",
      [
        "x509",
        "-new",
        "-force_pubkey",
        pubPath,
        "-subj",
        "/CN=newer",
        "-CA",
        pki.intermediate.certPath,
        "-CAkey",
        pki.intermediate.keyPath,
        "-days",
        "5",
      ],
      { encoding: "utf8" },
    );
    const newer = parseCertificates(newerPem)[0]!;
    expect(matchCertificateToKey([older, newer], older.spki)).toBe(newer);
    expect(matchCertificateToKey([newer, older], older.spki)).toBe(newer);
  });
});
