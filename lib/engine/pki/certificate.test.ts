import path from "node:path";
import { SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { parseCertificate, parseCertificates, toPem } from "@/lib/engine/pki/certificate";
import { certificateKeyAlgorithm, describeCertificateKey } from "@/lib/engine/pki/certificate-key-algorithm";
import { formatFingerprint } from "@/lib/engine/pki/fingerprint";
import { commonName } from "@/lib/engine/pki/distinguished-name";
import { OID } from "@/lib/engine/asn1/oids";
import { isSelfSigned } from "@/lib/engine/pki/self-signed";

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

describe("parseCertificates", () => {
  it("reads every CERTIFICATE block of a PEM bundle, and DER", () => {
    const bundle = `junk before\n${pki.intermediate.certPem}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n${pki.root.certPem}`;
    const certs = parseCertificates(bundle);
    expect(certs.map((c) => commonName(c.subjectDer))).toEqual(["Signet Test Intermediate CA", "Signet Test Root CA"]);
    expect(parseCertificates(pki.root.certDer)[0]?.fingerprintSha256).toBe(certs[1]?.fingerprintSha256);
    expect(parseCertificates(new TextEncoder().encode(pki.root.certPem))).toHaveLength(1);
    expect(parseCertificates(toPem(pki.root.certDer))[0]?.der).toEqual(pki.root.certDer);
  });

  it("agrees with node:crypto's X509Certificate on names, serial, validity and fingerprint", async () => {
    for (const der of [pki.root.certDer, (await pki.leaf("ec256")).certDer, pki.tsa.certDer]) {
      const ours = parseCertificate(der);
      const theirs = new X509Certificate(der);
      expect(ours.serialNumberHex).toBe(theirs.serialNumber.toUpperCase());
      expect(ours.notBefore.getTime()).toBe(new Date(theirs.validFrom).getTime());
      expect(ours.notAfter.getTime()).toBe(new Date(theirs.validTo).getTime());
      expect(formatFingerprint(ours.fingerprintSha256)).toBe(theirs.fingerprint256);
      // node lists RDNs in encoding order, one per line; ours is most specific first
      expect(ours.subject).toBe(theirs.subject.split("\n").reverse().join(", "));
      expect(ours.issuer).toBe(theirs.issuer.split("\n").reverse().join(", "));
    }
  });

  it("reads keyUsage, extendedKeyUsage, basicConstraints and key algorithms", async () => {
    const leaf = parseCertificate((await pki.leaf("ec384")).certDer);
    expect(leaf.keyUsage).toMatchObject({ digitalSignature: true, nonRepudiation: true, keyCertSign: false });
    expect(leaf.extendedKeyUsage).toEqual([OID.emailProtection]);
    expect(leaf.basicConstraints).toEqual({ ca: false });
    expect(leaf.criticalExtensions).toContain(OID.keyUsage);
    expect(certificateKeyAlgorithm(leaf)).toEqual({ kind: "EC", curve: "P-384" });
    const root = parseCertificate(pki.root.certDer);
    expect(root.keyUsage).toMatchObject({ keyCertSign: true, cRLSign: true, digitalSignature: false });
    expect(root.basicConstraints?.ca).toBe(true);
    expect(root.extendedKeyUsage).toBeUndefined();
    expect(isSelfSigned(root)).toBe(true);
    expect(isSelfSigned(leaf)).toBe(false);
    expect(describeCertificateKey(parseCertificate((await pki.leaf("rsa3072")).certDer))).toBe("RSA 3072");
    expect(parseCertificate(pki.tsa.certDer).extendedKeyUsage).toEqual([OID.timeStamping]);
  });

  it("reads the corpus certificates made by another tool", () => {
    const certs = parseCertificates(readFileSync(path.join(SIGNED_CORPUS_DIR, "test-root-ca.pem"), "utf8"));
    expect(certs[0]?.subject).toBe("CN=Harness Test Root CA, O=Harness Test, C=BE");
  });

  it("rejects garbage with typed errors, never a crash", () => {
    expect(() => parseCertificate(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01))).toThrow(
      expect.objectContaining({ code: "certificate.unreadable" }),
    );
    expect(() => parseCertificates("no pem here")).toThrow(expect.objectContaining({ code: "certificate.none" }));
    const der = pki.root.certDer;
    for (let i = 0; i < 300; i++) {
      const mutated = der.slice(0, 1 + Math.floor(Math.random() * der.length));
      const at = Math.floor(Math.random() * mutated.length);
      mutated[at] = (mutated[at] ?? 0) ^ 0xff;
      try {
        parseCertificate(mutated);
      } catch (error) {
        expect(error).toMatchObject({ code: "certificate.unreadable" });
      }
    }
  });
});
