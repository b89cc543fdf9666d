import { constants, createPublicKey, generateKeyPairSync, privateEncrypt, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { startTestKms, type TestKmsServer } from "@/test/support/kms-server";
import { registerTestKmsKey } from "@/test/support/kms-fixtures";
import type { KeyBackend, SignRequest } from "@/lib/engine/keys/key-backend";
import type { KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { digestInfo } from "@/lib/engine/crypto/digest-info";
import { parseCertificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import {
  issueFromCsr,
  opensslCertificateText,
  opensslReqPublicKey,
  opensslReqVerifyText,
} from "@/test/support/openssl-csr";
import { parseCertificateUpload } from "@/lib/engine/enrolment/upload/parse-certificate-upload";
import { validateForEnrolment } from "@/lib/engine/enrolment/validation/validate-for-enrolment";
import { createCsr } from "@/lib/engine/enrolment/csr/create-csr";

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const subject = {
  commonName: "Zoë Müller",
  organisation: "Signet Test",
  organisationalUnit: "Notariat",
  country: "be",
  locality: "Liège",
  state: "Liège",
  email: "zoe@example.com",
  serialNumber: "LIC-2024/0042",
};

function keyPair(kind: "rsa2048" | "rsa4096" | "ec256" | "ec384" | "ec521"): KeyObject {
  if (kind.startsWith("rsa")) return generateKeyPairSync("rsa", { modulusLength: Number(kind.slice(3)) }).privateKey;
  return generateKeyPairSync("ec", {
    namedCurve: { ec256: "prime256v1", ec384: "secp384r1", ec521: "secp521r1" }[kind as "ec256"],
  }).privateKey;
}

describe("createCsr", () => {
  const cases = [
    ["rsa2048", "sha256WithRSAEncryption", "Public-Key: (2048 bit)"],
    ["rsa4096", "sha256WithRSAEncryption", "Public-Key: (4096 bit)"],
    ["ec256", "ecdsa-with-SHA256", "NIST CURVE: P-256"],
    ["ec384", "ecdsa-with-SHA384", "NIST CURVE: P-384"],
    ["ec521", "ecdsa-with-SHA512", "NIST CURVE: P-521"],
  ] as const;
  for (const [kind, algorithm, keyText] of cases) {
    it(`${kind}: openssl verifies the signature (${algorithm}) and shows the subject and the requested extensions`, async () => {
      const privateKey = keyPair(kind);
      const csr = await createCsr({ subject, backend: new LocalKeyBackend(privateKey) });
      expect(csr.pem).toMatch(
        /^-----BEGIN CERTIFICATE REQUEST-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE REQUEST-----\n$/,
      );
      expect(Buffer.from(csr.pem.replace(/-----[^-]+-----|\s/g, ""), "base64")).toEqual(Buffer.from(csr.der));

      const { ok, output } = await opensslReqVerifyText(pki, csr.pem);
      expect(ok, output).toBe(true);
      expect(output).toMatch(/verify OK/);
      expect(output).toContain("Version: 1 (0x0)");
      expect(output).toContain(
        "Subject: C=BE,ST=Liège,L=Liège,O=Signet Test,OU=Notariat,CN=Zoë Müller,serialNumber=LIC-2024/0042,emailAddress=zoe@example.com",
      );
      expect(output).toContain(keyText);
      expect(output).toMatch(
        /Requested Extensions:\s+X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation\s+X509v3 Subject Alternative Name:\s*\n\s+email:zoe@example.com/,
      );
      expect(output).not.toContain("Extended Key Usage");
      expect(output).toContain(`Signature Algorithm: ${algorithm}`);
      // the key in the request is the backend's
      const spkiPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" });
      expect(await opensslReqPublicKey(pki, csr.pem)).toBe(spkiPem);
    });
  }

  it("writes UTF8String values, PrintableString for the country and serialNumber, IA5String for the email", async () => {
    const csr = await createCsr({ subject, backend: new LocalKeyBackend(keyPair("ec256")) });
    const der = Buffer.from(csr.der);
    const utf8 = (s: string) => Buffer.concat([Buffer.of(0x0c, Buffer.byteLength(s)), Buffer.from(s)]);
    expect(der.includes(utf8("Zoë Müller"))).toBe(true);
    expect(der.includes(Buffer.from([0x13, 2, 0x42, 0x45]))).toBe(true); // PrintableString "BE"
    expect(der.includes(Buffer.concat([Buffer.of(0x13, 13), Buffer.from("LIC-2024/0042")]))).toBe(true);
    expect(der.includes(Buffer.concat([Buffer.of(0x16, 15), Buffer.from("zoe@example.com")]))).toBe(true);
  });

  it("with only a common name: no empty attributes, keyUsage still requested", async () => {
    const csr = await createCsr({
      subject: { commonName: "Seal", organisation: "", country: "" },
      backend: new LocalKeyBackend(keyPair("ec256")),
    });
    const { ok, output } = await opensslReqVerifyText(pki, csr.pem);
    expect(ok, output).toBe(true);
    expect(output).toContain("Subject: CN=Seal\n");
    expect(output).toContain("Digital Signature, Non Repudiation");
    expect(output).not.toContain("Alternative Name");
  });

  it("asks for an extended key usage only when told, and refuses one without emailProtection", async () => {
    const backend = new LocalKeyBackend(keyPair("ec256"));
    const both = await createCsr({ subject, backend, extendedKeyUsage: ["documentSigning", "emailProtection"] });
    expect((await opensslReqVerifyText(pki, both.pem)).output).toMatch(
      /X509v3 Extended Key Usage: \n\s+E-mail Protection, 1\.3\.6\.1\.5\.5\.7\.3\.36/,
    );
    const none = await createCsr({ subject, backend, extendedKeyUsage: [] });
    expect((await opensslReqVerifyText(pki, none.pem)).output).not.toContain("Extended Key Usage");
    await expect(createCsr({ subject, backend, extendedKeyUsage: ["documentSigning"] })).rejects.toMatchObject({
      name: "CsrError",
      code: "csr.invalid_extended_key_usage",
      message: expect.stringMatching(/documentSigning alone.*refused by poppler and other NSS-based PDF readers/),
    });
    await expect(
      createCsr({ subject, backend, extendedKeyUsage: ["emailProtection", "serverAuth" as "emailProtection"] }),
    ).rejects.toMatchObject({
      code: "csr.invalid_extended_key_usage",
      message: expect.stringContaining('"serverAuth" is not an extended key usage'),
    });
  });

  it("signs with the hash asked for", async () => {
    const csr = await createCsr({ subject, backend: new LocalKeyBackend(keyPair("rsa2048")), hash: "SHA-512" });
    const { ok, output } = await opensslReqVerifyText(pki, csr.pem);
    expect(ok).toBe(true);
    expect(output).toContain("Signature Algorithm: sha512WithRSAEncryption");
  });

  it("validates the subject before the key signs anything", async () => {
    let signed = 0;
    const local = new LocalKeyBackend(keyPair("ec256"));
    const backend: KeyBackend = {
      description: "counting",
      keyAlgorithm: () => local.keyAlgorithm(),
      publicKey: () => local.publicKey(),
      sign: (r) => (signed++, local.sign(r)),
    };
    await expect(createCsr({ subject: { commonName: "x", country: "Belgium" }, backend })).rejects.toMatchObject({
      name: "CsrSubjectError",
      code: "csr.invalid_subject",
      field: "country",
    });
    expect(signed).toBe(0);
  });

  it("works for a backend that can only sign digests (as a PKCS#11 token with CKM_RSA_PKCS does)", async () => {
    const privateKey = keyPair("rsa2048");
    const requests: SignRequest[] = [];
    const digestOnly: KeyBackend = {
      description: "digest-only test token",
      keyAlgorithm: async (): Promise<KeyAlgorithm> => ({ kind: "RSA", modulusBits: 2048 }),
      publicKey: async () => new Uint8Array(createPublicKey(privateKey).export({ type: "spki", format: "der" })),
      sign: async (request) => {
        requests.push(request);
        return new Uint8Array(
          privateEncrypt(
            { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
            digestInfo(request.digest, request.hash),
          ),
        );
      },
    };
    const csr = await createCsr({ subject, backend: digestOnly });
    expect((await opensslReqVerifyText(pki, csr.pem)).ok).toBe(true);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.hash).toBe("SHA-256");
  });

  it("refuses a signature that does not verify (a faulty backend): csr.signature_invalid, no CSR", async () => {
    const good = new LocalKeyBackend(keyPair("ec256"));
    const other = new LocalKeyBackend(keyPair("ec256"));
    const wrongKey: KeyBackend = {
      description: "a confused HSM",
      keyAlgorithm: () => good.keyAlgorithm(),
      publicKey: () => good.publicKey(),
      sign: (r) => other.sign(r),
    };
    await expect(createCsr({ subject, backend: wrongKey })).rejects.toMatchObject({
      name: "CsrError",
      code: "csr.signature_invalid",
      status: 502,
      message:
        "The signature returned by a confused HSM does not verify with its public key; no certificate request was made.",
    });
    const garbage: KeyBackend = { ...wrongKey, sign: async () => new Uint8Array([1, 2, 3]) };
    await expect(createCsr({ subject, backend: garbage })).rejects.toMatchObject({ code: "csr.signature_invalid" });
  });

  for (const kind of ["rsa2048", "ec384"] as const) {
    it(`${kind}: the test CA issues a certificate from the CSR that matches the key and passes the enrolment checks`, async () => {
      const privateKey = keyPair(kind);
      const backend = new LocalKeyBackend(privateKey);
      const csr = await createCsr({ subject, backend });
      const issued = await issueFromCsr(pki, csr.pem);
      const text = await opensslCertificateText(pki, issued.certPem);
      expect(text).toContain(
        "Subject: C=BE,ST=Liège,L=Liège,O=Signet Test,OU=Notariat,CN=Zoë Müller,serialNumber=LIC-2024/0042,emailAddress=zoe@example.com",
      );
      expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);

      const spki = await backend.publicKey();
      const upload = parseCertificateUpload(issued.certPem + pki.chainPem, { spki });
      expect(upload.leaf.der).toEqual(issued.certDer);
      expect(upload.chain.map((c) => c.subject)).toEqual([
        parseCertificate(pki.intermediate.certDer).subject,
        parseCertificate(pki.root.certDer).subject,
      ]);
      const validation = validateForEnrolment({ ...upload, spki, now: new Date(), policy: { allowSelfSigned: false } });
      expect(validation).toMatchObject({ ok: true, failures: [], testing: false });
      expect(upload.leaf.keyUsage).toMatchObject({ digitalSignature: true, nonRepudiation: true });
      expect(upload.leaf.extendedKeyUsage).toBeUndefined();
    });
  }
});

describe("createCsr with an AWS KMS key (through the test KMS endpoint)", () => {
  let kms: TestKmsServer;
  beforeAll(async () => {
    kms = await startTestKms();
  });
  afterAll(async () => {
    await kms?.stop();
  });

  for (const spec of ["RSA_3072", "ECC_NIST_P384"] as const) {
    it(`${spec}: the key signs its CSR in KMS, openssl verifies it, and the issued certificate registers for the key`, async () => {
      const { backend, description } = await registerTestKmsKey(kms, spec);
      try {
        const before = kms.requests.length;
        const csr = await createCsr({ subject: { commonName: `KMS ${spec}`, country: "BE" }, backend });
        const signs = kms.requests.slice(before).filter((r) => r.operation === "Sign");
        expect(signs).toHaveLength(1);
        expect(signs[0]?.body).toMatchObject({
          MessageType: "DIGEST",
          SigningAlgorithm: spec === "RSA_3072" ? "RSASSA_PKCS1_V1_5_SHA_256" : "ECDSA_SHA_384",
        });
        const { ok, output } = await opensslReqVerifyText(pki, csr.pem);
        expect(ok, output).toBe(true);

        const issued = await issueFromCsr(pki, csr.pem);
        const upload = parseCertificateUpload(issued.certDer, { spki: description.publicKey });
        const validation = validateForEnrolment({
          leaf: upload.leaf,
          chain: [parseCertificate(pki.intermediate.certDer), parseCertificate(pki.root.certDer)],
          spki: description.publicKey,
          now: new Date(),
          policy: { allowSelfSigned: false },
        });
        expect(validation.failures).toEqual([]);
        expect(upload.leaf.signatureAlgorithm).toBe(OID.sha256WithRSAEncryption);
      } finally {
        backend.destroy();
      }
    });
  }
});
