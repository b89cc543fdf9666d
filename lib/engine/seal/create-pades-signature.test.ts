import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestKeyType, type TestPki } from "@/test/support/pki-fixtures";
import { opensslCmsVerify, opensslTsVerify } from "@/test/support/pki-openssl";
import { startTestTsa, type TestTsa } from "@/test/support/tsa-server";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import type { KeyBackend } from "@/lib/engine/keys/key-backend";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digest } from "@/lib/engine/crypto/hash";
import { OID } from "@/lib/engine/asn1/oids";
import { compareBytes, decodeOid, Tag, readChildren, readSingle, expectTag } from "@/lib/engine/asn1/der";
import { parseCertificate } from "@/lib/engine/pki/certificate";
import { HttpTimestamper } from "@/lib/engine/tsa/http-timestamper";
import { createPadesSignature, signPades } from "@/lib/engine/seal/create-pades-signature";
import { findAttribute, parseSignedData } from "@/lib/engine/cms/parse-signed-data";
import { matchSigningCertificateV2 } from "@/lib/engine/cms/signing-certificate-v2";

let pki: TestPki;
let tsa: TestTsa;
beforeAll(async () => {
  pki = await getTestPki();
  tsa = await startTestTsa(pki);
});
afterAll(async () => {
  await tsa?.stop();
});

async function signer(key: TestKeyType) {
  const leaf = await pki.leaf(key);
  return {
    leaf,
    backend: LocalKeyBackend.fromKeyFile(leaf.keyPem),
    chain: [pki.intermediate.certDer, pki.root.certDer],
  };
}

const cases: [TestKeyType, HashAlgorithm][] = [
  ["rsa2048", "SHA-256"],
  ["rsa3072", "SHA-256"],
  ["rsa4096", "SHA-256"],
  ["ec256", "SHA-256"],
  ["ec384", "SHA-256"],
  ["rsa2048", "SHA-512"],
  ["ec384", "SHA-384"],
  ["ec256", "SHA-512"],
];

describe("createPadesSignature (B-B)", () => {
  for (const [key, hash] of cases) {
    it(`${key} with ${hash}: openssl cms -verify accepts the detached CMS over the content`, async () => {
      const { leaf, backend, chain } = await signer(key);
      const content = new Uint8Array(randomBytes(5000));
      const cms = await createPadesSignature({
        contentDigest: digest(hash, content),
        hash,
        signerCertificate: leaf.certDer,
        chain,
        backend,
      });
      const result = await opensslCmsVerify(cms, content, pki.root.certPem);
      expect(result.output).toContain("Verification successful");
      expect(result.ok).toBe(true);
      // tampering with the content must fail the same check (the test can fail)
      content[10] = (content[10] as number) ^ 1;
      expect((await opensslCmsVerify(cms, content, pki.root.certPem)).ok).toBe(false);
    });
  }

  it("has the PAdES baseline attributes: DER-sorted, content-type id-data, message-digest, signing-certificate-v2, no signing-time", async () => {
    const { leaf, backend, chain } = await signer("ec256");
    const contentDigest = digest("SHA-256", new TextEncoder().encode("pdf byte ranges"));
    const cms = await createPadesSignature({ contentDigest, signerCertificate: leaf.certDer, chain, backend });
    const sd = parseSignedData(cms);
    expect(sd.contentType).toBe(OID.data);
    expect(sd.content).toBeUndefined();
    expect(sd.digestAlgorithms).toEqual([OID.sha256]);
    expect(sd.certificates.map((c) => c.fingerprintSha256)).toEqual(
      [leaf.certDer, pki.intermediate.certDer, pki.root.certDer].map((d) => parseCertificate(d).fingerprintSha256),
    );
    const [si] = sd.signerInfos;
    expect(si?.signatureAlgorithm).toBe(OID.ecdsaWithSHA256);
    const types = si!.signedAttributes.map((a) => a.type);
    expect(new Set(types)).toEqual(new Set([OID.contentType, OID.messageDigest, OID.signingCertificateV2]));
    expect(types).not.toContain(OID.signingTime);
    // DER SET OF order: each attribute's encoding sorts after the previous one
    const encodings = readChildren(readSingle(si!.signedAttributesDer!)).map((e) => e.der);
    for (let i = 1; i < encodings.length; i++) expect(compareBytes(encodings[i - 1]!, encodings[i]!)).toBeLessThan(0);
    expect(decodeOid(findAttribute(si!.signedAttributes, OID.contentType)!.values[0]!)).toBe(OID.data);
    expect(Buffer.from(findAttribute(si!.signedAttributes, OID.messageDigest)!.values[0]!.content)).toEqual(
      Buffer.from(contentDigest),
    );
    const scv2 = findAttribute(si!.signedAttributes, OID.signingCertificateV2)!.values[0]!;
    expect(matchSigningCertificateV2(scv2.der, parseCertificate(leaf.certDer))).toEqual({
      hashMatches: true,
      issuerSerialMatches: true,
      hash: "SHA-256",
    });
    // SHA-256 is the DEFAULT: the ESSCertIDv2 starts with the certHash OCTET STRING, no AlgorithmIdentifier
    const essCertId = readChildren(readChildren(readChildren(scv2)[0]!)[0]!);
    expect(essCertId[0]?.tag).toBe(Tag.OCTET_STRING);
    expect(si!.unsignedAttributes).toEqual([]);
  });

  it("names the hash algorithm in ESSCertIDv2 when it is not SHA-256, and uses sha*WithRSAEncryption for RSA", async () => {
    const { leaf, backend, chain } = await signer("rsa2048");
    const cms = await createPadesSignature({
      contentDigest: new Uint8Array(48),
      hash: "SHA-384",
      signerCertificate: leaf.certDer,
      chain,
      backend,
    });
    const si = parseSignedData(cms).signerInfos[0]!;
    expect(si.signatureAlgorithm).toBe(OID.sha384WithRSAEncryption);
    const scv2 = findAttribute(si.signedAttributes, OID.signingCertificateV2)!.values[0]!;
    const essCertId = readChildren(readChildren(readChildren(scv2)[0]!)[0]!);
    expect(decodeOid(readChildren(expectTag(essCertId[0], Tag.SEQUENCE, "alg"))[0]!)).toBe(OID.sha384);
    expect(matchSigningCertificateV2(scv2.der, parseCertificate(leaf.certDer)).hashMatches).toBe(true);
  });

  it("refuses a key that does not belong to the certificate, before signing", async () => {
    const { leaf, chain } = await signer("rsa2048");
    const other = LocalKeyBackend.fromKeyFile((await pki.leaf("ec256")).keyPem);
    let signCalls = 0;
    const counting: KeyBackend = {
      description: "counting backend",
      keyAlgorithm: () => other.keyAlgorithm(),
      publicKey: () => other.publicKey(),
      sign: (r) => {
        signCalls++;
        return other.sign(r);
      },
    };
    await expect(
      createPadesSignature({
        contentDigest: new Uint8Array(32),
        signerCertificate: leaf.certDer,
        chain,
        backend: counting,
      }),
    ).rejects.toMatchObject({
      code: "cms.key_certificate_mismatch",
    });
    expect(signCalls).toBe(0);
  });

  it("refuses a signature that does not verify with the certificate (cms.signature_mismatch)", async () => {
    const { leaf, backend, chain } = await signer("ec256");
    const impostor = LocalKeyBackend.fromKeyFile((await pki.issue({ name: "impostor", key: "ec256" })).keyPem);
    const lying: KeyBackend = {
      description: "lying backend",
      keyAlgorithm: () => backend.keyAlgorithm(),
      publicKey: () => backend.publicKey(),
      sign: (r) => impostor.sign(r),
    };
    await expect(
      createPadesSignature({
        contentDigest: new Uint8Array(32),
        signerCertificate: leaf.certDer,
        chain,
        backend: lying,
      }),
    ).rejects.toMatchObject({
      code: "cms.signature_mismatch",
    });
    const garbage: KeyBackend = { ...lying, sign: async () => new Uint8Array(64) };
    await expect(
      createPadesSignature({
        contentDigest: new Uint8Array(32),
        signerCertificate: leaf.certDer,
        chain,
        backend: garbage,
      }),
    ).rejects.toMatchObject({
      code: "cms.signature_mismatch",
    });
  });

  it("refuses a content digest of the wrong length", async () => {
    const { leaf, backend } = await signer("ec256");
    await expect(
      createPadesSignature({ contentDigest: new Uint8Array(20), signerCertificate: leaf.certDer, backend }),
    ).rejects.toMatchObject({
      code: "cms.bad_digest",
    });
  });
});

describe("createPadesSignature (B-T)", () => {
  for (const key of ["rsa2048", "ec256"] as const) {
    it(`${key}: adds a signature timestamp over the signature value that openssl ts -verify accepts`, async () => {
      const { leaf, backend, chain } = await signer(key);
      const content = new Uint8Array(randomBytes(1000));
      const result = await signPades({
        contentDigest: digest("SHA-256", content),
        signerCertificate: leaf.certDer,
        chain,
        backend,
        timestamper: new HttpTimestamper({ url: tsa.url, timeoutMs: 10_000 }),
      });
      expect((await opensslCmsVerify(result.cms, content, pki.root.certPem)).ok).toBe(true);
      const si = parseSignedData(result.cms).signerInfos[0]!;
      const tokenAttr = findAttribute(si.unsignedAttributes, OID.signatureTimeStampToken);
      expect(tokenAttr?.values).toHaveLength(1);
      const token = tokenAttr!.values[0]!.der;
      expect(Buffer.from(token)).toEqual(Buffer.from(result.timestamp!.token));
      const ts = await opensslTsVerify(token, si.signature, pki.root.certPem);
      expect(ts.output).toContain("Verification: OK");
      // the token is over the signature value, not over something else
      expect((await opensslTsVerify(token, new Uint8Array(randomBytes(32)), pki.root.certPem)).ok).toBe(false);
      expect(Math.abs(result.timestamp!.genTime.getTime() - Date.now())).toBeLessThan(60_000);
      expect(result.timestamp!.tsaSubject).toContain("Signet Test TSA");
    });
  }

  it("fails the seal when the timestamp authority fails", async () => {
    const { leaf, backend, chain } = await signer("ec256");
    const broken = await startTestTsa(pki, "http500");
    try {
      await expect(
        createPadesSignature({
          contentDigest: new Uint8Array(32),
          signerCertificate: leaf.certDer,
          chain,
          backend,
          timestamper: new HttpTimestamper({ url: broken.url }),
        }),
      ).rejects.toMatchObject({ code: "tsa.http_error" });
    } finally {
      await broken.stop();
    }
  });

  it("re-checks tokens from any Timestamper: a token over other data is refused", async () => {
    const { leaf, backend, chain } = await signer("ec256");
    const real = new HttpTimestamper({ url: tsa.url });
    const wrongData = {
      timestamp: (_imprint: Uint8Array, hash: HashAlgorithm) =>
        real.timestamp(digest(hash, Uint8Array.of(1, 2, 3)), hash),
    };
    await expect(
      createPadesSignature({
        contentDigest: new Uint8Array(32),
        signerCertificate: leaf.certDer,
        chain,
        backend,
        timestamper: wrongData,
      }),
    ).rejects.toMatchObject({
      code: "cms.timestamp_mismatch",
    });
  });
});
