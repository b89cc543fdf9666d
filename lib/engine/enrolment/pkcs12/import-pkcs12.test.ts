import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { exportPkcs12, getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { parseCertificate } from "@/lib/engine/pki/certificate";
import { zeroize } from "@/lib/engine/enrolment/zeroize";
import { importPkcs12 } from "@/lib/engine/enrolment/pkcs12/import-pkcs12";

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const policy = { allowSelfSigned: false };
const DAY = 86_400_000;

function publicKeyOfPkcs8(pkcs8: Uint8Array): Uint8Array {
  return new Uint8Array(
    createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).export({
      type: "spki",
      format: "der",
    }),
  );
}

describe("importPkcs12", () => {
  for (const key of ["rsa2048", "ec256", "ec384"] as const) {
    for (const encryption of ["aes", "3des", "rc2"] as const) {
      it(`${key}, ${encryption}: the PKCS#8 key, the certificate, the ordered chain and a passing validation`, async () => {
        const leaf = await pki.leaf(key);
        const file = await exportPkcs12(pki, leaf, { password: "pässword 1", encryption });
        const result = await importPkcs12({ file, password: "pässword 1", policy, now: new Date() });
        try {
          expect(result.leaf.der).toEqual(leaf.certDer);
          expect(result.chain.map((c) => c.der)).toEqual([pki.intermediate.certDer, pki.root.certDer]);
          expect(result.unrelated).toEqual([]);
          expect(result.validation).toMatchObject({ ok: true, failures: [], testing: false });
          expect(result.keyAlgorithm.kind).toBe(key.startsWith("ec") ? "EC" : "RSA");
          // the key is the certificate's, as PKCS#8 that node:crypto (hence the platform backend) loads
          expect(publicKeyOfPkcs8(result.pkcs8Der)).toEqual(
            new Uint8Array(createPublicKey(leaf.certPem).export({ type: "spki", format: "der" })),
          );
          expect(result.spki).toEqual(publicKeyOfPkcs8(result.pkcs8Der));
          const message = Buffer.from("signed attributes");
          const privateKey = createPrivateKey({ key: Buffer.from(result.pkcs8Der), format: "der", type: "pkcs8" });
          expect(verify("sha256", message, createPublicKey(leaf.certPem), sign("sha256", message, privateKey))).toBe(
            true,
          );
        } finally {
          zeroize(result.pkcs8Der);
        }
        expect(result.pkcs8Der.every((b) => b === 0)).toBe(true);
      });
    }
  }

  for (const encryption of ["aes", "rc2"] as const) {
    it(`a wrong password (${encryption}) is lib/keys' pkcs12.bad_password, with its message`, async () => {
      const file = await exportPkcs12(pki, await pki.leaf("ec256"), { password: "right", encryption });
      await expect(importPkcs12({ file, password: "wrong", policy, now: new Date() })).rejects.toMatchObject({
        name: "KeyError",
        code: "pkcs12.bad_password",
        message: "The PKCS#12 password is wrong (the file's integrity check failed).",
      });
    });
  }

  it("a file without its chain fails the chain check, unless the organisation's CA completes it", async () => {
    const leaf = await pki.leaf("ec256");
    const file = await exportPkcs12(pki, leaf, { password: "", chain: false });
    const alone = await importPkcs12({ file, password: "", policy, now: new Date() });
    zeroize(alone.pkcs8Der);
    expect(alone.chain).toEqual([]);
    expect(alone.validation.failures.map((f) => f.code)).toEqual(["enrolment.chain_incomplete"]);
    const withOrgCa = await importPkcs12({
      file,
      password: "",
      policy,
      now: new Date(),
      organisationCas: [parseCertificate(pki.intermediate.certDer)],
    });
    zeroize(withOrgCa.pkcs8Der);
    expect(withOrgCa.validation.ok).toBe(true);
  });

  it("a self-signed certificate: refused by default, marked testing under the testing policy", async () => {
    const selfSigned = await pki.issue({ name: "p12 testing", key: "ec256", issuer: "self" });
    const file = await exportPkcs12(pki, selfSigned, { password: "x", chain: false });
    const refused = await importPkcs12({ file, password: "x", policy, now: new Date() });
    zeroize(refused.pkcs8Der);
    expect(refused.validation).toMatchObject({
      ok: false,
      testing: false,
      failures: [{ code: "certificate.self_signed" }],
    });
    const testing = await importPkcs12({ file, password: "x", policy: { allowSelfSigned: true }, now: new Date() });
    zeroize(testing.pkcs8Der);
    expect(testing.validation).toMatchObject({ ok: true, testing: true, selfSigned: true });
  });

  it("profile problems are reported in validation, not thrown", async () => {
    const expired = await pki.issue({
      name: "p12 expired",
      key: "ec256",
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
      extendedKeyUsage: "1.3.6.1.5.5.7.3.36",
    });
    const result = await importPkcs12({
      file: await exportPkcs12(pki, expired, { password: "x" }),
      password: "x",
      policy,
      now: new Date(),
    });
    zeroize(result.pkcs8Der);
    expect(result.validation.failures.map((f) => f.code)).toEqual([
      "certificate.expired",
      "certificate.extended_key_usage",
    ]);
    expect(result.validation.failures[1]?.message).toMatch(/documentSigning without emailProtection: poppler/);
  });

  it("refuses what is not a PKCS#12, and a file too large, before any decryption", async () => {
    await expect(
      importPkcs12({ file: new TextEncoder().encode("not a pfx"), password: "x", policy, now: new Date() }),
    ).rejects.toMatchObject({
      name: "KeyError",
      code: "pkcs12.unreadable",
      message: "The file is not a PKCS#12 (.p12/.pfx) file.",
    });
    await expect(
      importPkcs12({ file: pki.root.certDer, password: "x", policy, now: new Date() }),
    ).rejects.toMatchObject({ code: "pkcs12.unreadable" });
    await expect(
      importPkcs12({ file: new Uint8Array(300 * 1024), password: "x", policy, now: new Date() }),
    ).rejects.toMatchObject({
      name: "Pkcs12ImportError",
      code: "pkcs12.too_large",
      status: 413,
    });
  });
});
