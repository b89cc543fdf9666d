import { verify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { exportPkcs12, getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { loadPkcs12 } from "@/lib/engine/keys/local/pkcs12";
import { digest } from "@/lib/engine/crypto/hash";
import { publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

describe("loadPkcs12", () => {
  for (const key of ["rsa2048", "ec256", "ec384"] as const) {
    for (const encryption of ["aes", "3des", "rc2"] as const) {
      it(`opens a ${key} PKCS#12 (${encryption}) with key, certificate and ordered chain, and the key signs`, async () => {
        const leaf = await pki.leaf(key);
        const file = await exportPkcs12(pki, leaf, { password: "pässword 1", encryption });
        const p12 = loadPkcs12(file, "pässword 1");
        expect(Buffer.from(p12.certificate)).toEqual(Buffer.from(leaf.certDer));
        // exact original DER of the chain, issuer first
        expect(p12.chain.map((c) => Buffer.from(c).toString("base64"))).toEqual(
          [pki.intermediate.certDer, pki.root.certDer].map((c) => Buffer.from(c).toString("base64")),
        );
        expect((await p12.backend.keyAlgorithm()).kind).toBe(key.startsWith("ec") ? "EC" : "RSA");
        const message = new TextEncoder().encode("attributes");
        const signature = await p12.backend.sign({ message, digest: digest("SHA-256", message), hash: "SHA-256" });
        const publicKey = publicKeyFromSpki(await p12.backend.publicKey());
        const options = key.startsWith("ec") ? { key: publicKey, dsaEncoding: "der" as const } : publicKey;
        expect(verify("sha256", message, options, signature)).toBe(true);
      });
    }
  }

  for (const encryption of ["aes", "3des", "rc2"] as const) {
    it(`refuses a wrong password (${encryption}) with pkcs12.bad_password and a clear message`, async () => {
      const file = await exportPkcs12(pki, await pki.leaf("ec256"), { password: "right", encryption });
      let error: unknown;
      try {
        loadPkcs12(file, "Hunter2-guess");
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: "pkcs12.bad_password", message: expect.stringMatching(/password is wrong/) });
      expect(JSON.stringify({ message: (error as Error).message, cause: (error as Error).cause })).not.toContain(
        "Hunter2",
      );
    });
  }

  it("works without a chain and without a password", async () => {
    const leaf = await pki.leaf("rsa2048");
    const p12 = loadPkcs12(await exportPkcs12(pki, leaf, { password: "", chain: false }), "");
    expect(p12.chain).toEqual([]);
  });

  it("rejects a file that is not PKCS#12", () => {
    expect(() => loadPkcs12(new TextEncoder().encode("not a pfx"), "x")).toThrow(
      expect.objectContaining({ code: "pkcs12.unreadable" }),
    );
    expect(() => loadPkcs12(pki.root.certDer, "x")).toThrow(expect.objectContaining({ code: "pkcs12.unreadable" }));
  });
});
