import { SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signaturesOfPdf } from "@/test/support/pki-signed-pdf";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { startTestTsa, type TestTsa } from "@/test/support/tsa-server";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { digest } from "@/lib/engine/crypto/hash";
import { HttpTimestamper } from "@/lib/engine/tsa/http-timestamper";
import { createPadesSignature } from "@/lib/engine/seal/create-pades-signature";
import { verifyCmsSignature, type CmsVerification } from "@/lib/engine/verify/verify-cms-signature";

const CORPUS = SIGNED_CORPUS_DIR;
const root = readFileSync(`${CORPUS}/test-root-ca.pem`, "utf8");

async function verifyCorpus(file: string, index = 0, trustAnchors: string[] = [root]): Promise<CmsVerification> {
  const signature = signaturesOfPdf(`${CORPUS}/${file}`)[index]!;
  return verifyCmsSignature({
    cms: signature.cms,
    contentDigest: (hash) => signature.digest(hash),
    trustAnchors,
    claimedSigningTime: signature.claimedSigningTime,
    subFilter: signature.subFilter,
  });
}

describe("verifyCmsSignature on PDFs signed by other tools", () => {
  it("s01 pyHanko PAdES B-B RSA: valid, trusted, B-B", async () => {
    const r = await verifyCorpus("s01-pyhanko-pades-bb-rsa.pdf");
    expect(r).toMatchObject({
      intact: true,
      messageDigestMatches: true,
      signatureValid: true,
      digestAlgorithm: "SHA-256",
      padesLevel: "B-B",
    });
    expect(r.chain.trust).toBe("trusted");
    expect(r.chain.certificates).toHaveLength(3);
    expect(r.signer?.keyAlgorithm).toBe("RSA 2048");
    expect(r.signer?.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.attributes).toMatchObject({ contentType: "id-data", signingCertificateV2: "match", signingTime: false });
    expect(r.signingTime.source).toBe("claimed");
    expect(r.certificateValidAtSigningTime).toBe(true);
    expect(r.timestamp).toBeUndefined();
    expect(r.problems).toEqual([]);
  });

  it("s02 pyHanko PAdES B-B EC: valid, trusted", async () => {
    const r = await verifyCorpus("s02-pyhanko-pades-bb-ec.pdf");
    expect(r).toMatchObject({ intact: true, padesLevel: "B-B", chain: { trust: "trusted" } });
    expect(r.signer?.keyAlgorithm).toBe("ECDSA P-256");
  });

  it("s03 two signatures: both valid; the first does not cover the whole file", async () => {
    const signatures = signaturesOfPdf(`${CORPUS}/s03-pyhanko-two-signatures.pdf`);
    expect(signatures).toHaveLength(2);
    expect(signatures.map((s) => s.coversWholeFile)).toEqual([false, true]);
    for (const index of [0, 1]) {
      const r = await verifyCorpus("s03-pyhanko-two-signatures.pdf", index);
      expect(r).toMatchObject({ intact: true, padesLevel: "B-B", chain: { trust: "trusted" } });
    }
  });

  it("s04 pyHanko PAdES B-T: valid, timestamp valid and its TSA chains to the root", async () => {
    const r = await verifyCorpus("s04-pyhanko-pades-bt-rsa.pdf");
    expect(r).toMatchObject({ intact: true, padesLevel: "B-T", chain: { trust: "trusted" } });
    expect(r.timestamp).toMatchObject({ valid: true, imprintMatches: true, signatureValid: true, trust: "trusted" });
    expect(r.timestamp?.tsa?.subject).toContain("CN=Harness Test TSA");
    expect(r.signingTime).toEqual({ time: r.timestamp?.genTime, source: "timestamp" });
    expect(Math.abs(r.timestamp!.genTime!.getTime() - Date.UTC(2026, 10, 22, 1, 26, 30))).toBeLessThan(120_000);
  });

  it("s05 @signpdf adbe.pkcs7.detached: valid signature, not PAdES baseline (signing-time, no signing-certificate-v2)", async () => {
    const r = await verifyCorpus("s05-signpdf-pkcs7-rsa.pdf");
    expect(r).toMatchObject({ intact: true, padesLevel: "not PAdES" });
    expect(r.attributes).toMatchObject({ signingTime: true, signingCertificateV2: "absent" });
    expect(r.attributes.signingTimeValue).toBeInstanceOf(Date);
    expect(r.padesProblems.join(" ")).toMatch(/SubFilter is adbe.pkcs7.detached/);
    expect(r.padesProblems.join(" ")).toMatch(/signing-time/);
  });

  it("s06 self-signed: cryptographically valid, not trusted by the test root", async () => {
    const r = await verifyCorpus("s06-pyhanko-selfsigned.pdf");
    expect(r).toMatchObject({ intact: true, padesLevel: "B-B", chain: { trust: "self-signed" } });
    expect(r.signer?.selfSigned).toBe(true);
  });

  it("t01 one byte changed in the signed range: digest mismatch", async () => {
    const r = await verifyCorpus("t01-tampered-signed-byte.pdf");
    expect(r).toMatchObject({ intact: false, messageDigestMatches: false, signatureValid: true });
    expect(r.problems.join(" ")).toMatch(/content was changed/);
  });

  it("t02 bytes appended after %%EOF: the signature itself is intact (the PDF layer reports the change)", async () => {
    const r = await verifyCorpus("t02-tampered-appended-bytes.pdf");
    expect(r.intact).toBe(true);
    expect(signaturesOfPdf(`${CORPUS}/t02-tampered-appended-bytes.pdf`)[0]!.coversWholeFile).toBe(false);
  });

  it("t03 one byte changed in the signature value: the signature does not verify", async () => {
    const r = await verifyCorpus("t03-tampered-signature-value.pdf");
    expect(r).toMatchObject({ intact: false, messageDigestMatches: true, signatureValid: false });
  });

  it("without trust anchors nothing is trusted", async () => {
    const r = await verifyCorpus("s01-pyhanko-pades-bb-rsa.pdf", 0, []);
    expect(r.intact).toBe(true);
    expect(r.chain.trust).toBe("untrusted");
  });
});

describe("verifyCmsSignature on our own signatures", () => {
  let pki: TestPki;
  let tsa: TestTsa;
  beforeAll(async () => {
    pki = await getTestPki();
    tsa = await startTestTsa(pki);
  });
  afterAll(() => tsa?.stop());

  it("round-trips B-T with SHA-384 on EC P-384", async () => {
    const leaf = await pki.leaf("ec384");
    const content = new Uint8Array(randomBytes(2000));
    const cms = await createPadesSignature({
      contentDigest: digest("SHA-384", content),
      hash: "SHA-384",
      signerCertificate: leaf.certDer,
      chain: [pki.intermediate.certDer],
      backend: LocalKeyBackend.fromKeyFile(leaf.keyPem),
      timestamper: new HttpTimestamper({ url: tsa.url }),
    });
    const r = await verifyCmsSignature({
      cms,
      contentDigest: (h) => digest(h, content),
      trustAnchors: [pki.root.certPem],
      subFilter: "ETSI.CAdES.detached",
    });
    expect(r).toMatchObject({
      intact: true,
      digestAlgorithm: "SHA-384",
      padesLevel: "B-T",
      chain: { trust: "trusted" },
      timestamp: { valid: true, trust: "trusted" },
    });
    expect(r.certificateValidAtSigningTime).toBe(true);
    expect(r.problems).toEqual([]);
    // a given digest of the wrong algorithm is a typed error
    await expect(
      verifyCmsSignature({ cms, contentDigest: { hash: "SHA-256", digest: digest("SHA-256", content) } }),
    ).rejects.toMatchObject({ code: "cms.bad_digest" });
  });

  it("reports a certificate that had expired at the claimed signing time", async () => {
    const leaf = await pki.leaf("ec256");
    const cms = await createPadesSignature({
      contentDigest: new Uint8Array(32),
      signerCertificate: leaf.certDer,
      chain: [pki.intermediate.certDer],
      backend: LocalKeyBackend.fromKeyFile(leaf.keyPem),
    });
    const r = await verifyCmsSignature({
      cms,
      contentDigest: { hash: "SHA-256", digest: new Uint8Array(32) },
      trustAnchors: [pki.root.certPem],
      claimedSigningTime: new Date(Date.now() + 5 * 365 * 24 * 3600_000),
    });
    expect(r.intact).toBe(true);
    expect(r.certificateValidAtSigningTime).toBe(false);
  });
});

describe("verifyCmsSignature on hostile input", () => {
  it("turns garbage and mutations into typed errors or invalid results, never a crash", async () => {
    const signature = signaturesOfPdf(`${CORPUS}/s04-pyhanko-pades-bt-rsa.pdf`)[0]!;
    const inputs: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0x30),
      Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff),
      new Uint8Array(randomBytes(500)),
    ];
    for (let i = 0; i < 1500; i++) {
      const mutated = signature.cms.slice();
      const flips = 1 + (i % 4);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(Math.random() * mutated.length);
        mutated[at] = Math.floor(Math.random() * 256);
      }
      inputs.push(i % 10 === 0 ? mutated.subarray(0, Math.floor(Math.random() * mutated.length)) : mutated);
    }
    let typed = 0;
    let invalid = 0;
    for (const cms of inputs) {
      try {
        const r = await verifyCmsSignature({ cms, contentDigest: (h) => signature.digest(h), trustAnchors: [root] });
        if (!r.intact || r.problems.length) invalid++;
      } catch (error) {
        expect(error).toMatchObject({ code: expect.stringMatching(/^cms\./) });
        typed++;
      }
    }
    expect(typed + invalid).toBeGreaterThan(inputs.length * 0.9);
  });
});
