import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type IssueOptions, type TestPki } from "@/test/support/pki-fixtures";
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import { checkCertificateProfile } from "@/lib/engine/pki/profile/certificate-profile";
import { checkPublicKeyMatch } from "@/lib/engine/pki/profile/check-public-key-match";
import { checkValidityWindow } from "@/lib/engine/pki/profile/check-validity-window";
import { checkKeyUsage } from "@/lib/engine/pki/profile/check-key-usage";
import { checkExtendedKeyUsage } from "@/lib/engine/pki/profile/check-extended-key-usage";
import { checkCurve, checkKeyStrength, checkRsaKeySize } from "@/lib/engine/pki/profile/check-key-strength";
import { checkSignatureAlgorithms } from "@/lib/engine/pki/profile/check-signature-algorithms";
import { checkSelfSigned } from "@/lib/engine/pki/profile/check-self-signed";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";

let pki: TestPki;
let good: Certificate;
let chain: Certificate[];
beforeAll(async () => {
  pki = await getTestPki();
  good = parseCertificate((await pki.leaf("ec256")).certDer);
  chain = [parseCertificate(pki.intermediate.certDer), parseCertificate(pki.root.certDer)];
});

async function cert(
  options: Omit<IssueOptions, "name" | "key"> & Partial<Pick<IssueOptions, "key">>,
): Promise<Certificate> {
  return parseCertificate((await pki.issue({ name: "profile test", key: "ec256", ...options })).certDer);
}

const DAY = 24 * 3600_000;
const bind = (check: (c: Certificate) => void, c: Certificate) => () => check(c);

describe("certificate profile checks", () => {
  it("a standard signer certificate passes every check", () => {
    expect(checkCertificateProfile({ certificate: good, chain })).toEqual({
      ok: true,
      selfSigned: false,
      failures: [],
    });
  });

  it("checkPublicKeyMatch", async () => {
    const leaf = await pki.leaf("ec256");
    const own = await LocalKeyBackend.fromKeyFile(leaf.keyPem).publicKey();
    expect(() => checkPublicKeyMatch(good, own)).not.toThrow();
    const other = await LocalKeyBackend.fromKeyFile((await pki.leaf("rsa2048")).keyPem).publicKey();
    expect(() => checkPublicKeyMatch(good, other)).toThrow(
      expect.objectContaining({ code: "certificate.key_mismatch" }),
    );
    expect(() => checkPublicKeyMatch(good, new Uint8Array(5))).toThrow(
      expect.objectContaining({ code: "certificate.key_mismatch" }),
    );
  });

  it("checkValidityWindow", async () => {
    expect(() => checkValidityWindow(good)).not.toThrow();
    const expired = await cert({ notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
    expect(() => checkValidityWindow(expired)).toThrow(
      expect.objectContaining({ code: "certificate.expired", message: expect.stringMatching(/expired on/) }),
    );
    const future = await cert({ notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 30 * DAY) });
    expect(() => checkValidityWindow(future)).toThrow(expect.objectContaining({ code: "certificate.not_yet_valid" }));
    expect(() => checkValidityWindow(expired, new Date(Date.now() - 2 * DAY))).not.toThrow();
  });

  it("checkKeyUsage requires digitalSignature and nonRepudiation", async () => {
    expect(() => checkKeyUsage(good)).not.toThrow();
    const onlyDs = await cert({ keyUsage: "critical,digitalSignature" });
    expect(() => checkKeyUsage(onlyDs)).toThrow(
      expect.objectContaining({
        code: "certificate.key_usage",
        message: expect.stringMatching(/lacks nonRepudiation/),
      }),
    );
    const none = await cert({ keyUsage: null });
    expect(() => checkKeyUsage(none)).toThrow(
      expect.objectContaining({ code: "certificate.key_usage", message: expect.stringMatching(/no key usage/) }),
    );
    const onlyNr = await cert({ keyUsage: "nonRepudiation" });
    expect(() => checkKeyUsage(onlyNr)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/lacks digitalSignature/) }),
    );
  });

  it("checkExtendedKeyUsage: absent or with emailProtection", async () => {
    expect(() => checkExtendedKeyUsage(good)).not.toThrow();
    expect(bind(checkExtendedKeyUsage, await cert({ extendedKeyUsage: null }))).not.toThrow();
    expect(
      bind(checkExtendedKeyUsage, await cert({ extendedKeyUsage: "1.3.6.1.5.5.7.3.36,emailProtection" })),
    ).not.toThrow();
    expect(bind(checkExtendedKeyUsage, await cert({ extendedKeyUsage: "1.3.6.1.5.5.7.3.36" }))).toThrow(
      expect.objectContaining({
        code: "certificate.extended_key_usage",
        message: expect.stringMatching(/emailProtection/),
      }),
    );
    expect(bind(checkExtendedKeyUsage, await cert({ extendedKeyUsage: "clientAuth" }))).toThrow(
      expect.objectContaining({ code: "certificate.extended_key_usage" }),
    );
  });

  it("checkKeyStrength: RSA ≥ 2048, curves P-256/384/521", async () => {
    expect(() => checkKeyStrength(good)).not.toThrow();
    expect(bind(checkKeyStrength, await cert({ key: "ec521" }))).not.toThrow();
    expect(bind(checkKeyStrength, await cert({ key: "rsa1024" }))).toThrow(
      expect.objectContaining({ code: "certificate.weak_rsa_key", message: expect.stringMatching(/1024 bits/) }),
    );
    expect(bind(checkKeyStrength, await cert({ key: "secp256k1" }))).toThrow(
      expect.objectContaining({ code: "certificate.unsupported_curve" }),
    );
    expect(bind(checkKeyStrength, await cert({ key: "ed25519" }))).toThrow(
      expect.objectContaining({ code: "certificate.unsupported_key" }),
    );
    expect(() => checkRsaKeySize({ kind: "RSA", modulusBits: 2047 })).toThrow(
      expect.objectContaining({ code: "certificate.weak_rsa_key" }),
    );
    expect(() => checkCurve({ kind: "EC", curve: "P-384" })).not.toThrow();
  });

  it("checkSignatureAlgorithms refuses SHA-1 in the chain but ignores a root's self-signature", async () => {
    expect(() => checkSignatureAlgorithms([good, ...chain])).not.toThrow();
    const sha1Leaf = await cert({ digest: "sha1" });
    expect(() => checkSignatureAlgorithms([sha1Leaf, ...chain])).toThrow(
      expect.objectContaining({
        code: "certificate.weak_signature_algorithm",
        message: expect.stringMatching(/SHA-1/),
      }),
    );
    const sha1Root = await cert({
      issuer: "self",
      digest: "sha1",
      keyUsage: "keyCertSign",
      extendedKeyUsage: null,
      basicConstraints: "critical,CA:TRUE",
    });
    expect(() => checkSignatureAlgorithms([good, chain[0]!, sha1Root])).not.toThrow();
    const sha1SelfSignedSigner = await cert({ issuer: "self", digest: "sha1" });
    expect(() => checkSignatureAlgorithms([sha1SelfSignedSigner])).toThrow(
      expect.objectContaining({ code: "certificate.weak_signature_algorithm" }),
    );
  });

  it("checkSelfSigned refuses self-signed signers unless the testing policy allows them", async () => {
    const selfSigned = await cert({ issuer: "self" });
    expect(() => checkSelfSigned(good)).not.toThrow();
    expect(() => checkSelfSigned(selfSigned)).toThrow(
      expect.objectContaining({ code: "certificate.self_signed", message: expect.stringMatching(/testing/) }),
    );
    expect(() => checkSelfSigned(selfSigned, { allowSelfSigned: true })).not.toThrow();
    const result = checkCertificateProfile({ certificate: selfSigned, allowSelfSigned: true });
    expect(result).toMatchObject({ ok: true, selfSigned: true });
  });

  it("checkCertificateProfile reports every failure at once", async () => {
    const bad = await cert({
      key: "rsa1024",
      keyUsage: "digitalSignature",
      extendedKeyUsage: "clientAuth",
      digest: "sha1",
    });
    const result = checkCertificateProfile({ certificate: bad, chain, publicKey: good.spki });
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.code).sort()).toEqual(
      [
        "certificate.extended_key_usage",
        "certificate.key_mismatch",
        "certificate.key_usage",
        "certificate.weak_rsa_key",
        "certificate.weak_signature_algorithm",
      ].sort(),
    );
  });
});
