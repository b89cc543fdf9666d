import { createPrivateKey, createPublicKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { opensslPkcs12 } from "@/test/support/openssl-csr";
import { readPfxOverview } from "@/lib/engine/enrolment/pkcs12/pfx-overview";
import { pkcs12PrivateKey } from "@/lib/engine/enrolment/pkcs12/pkcs12-private-key";

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

function spkiOfPem(pem: string): Uint8Array {
  return new Uint8Array(createPublicKey(pem).export({ type: "spki", format: "der" }));
}
function spkiOfPkcs8(der: Uint8Array): Uint8Array {
  return new Uint8Array(
    createPublicKey(createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" })).export({
      type: "spki",
      format: "der",
    }),
  );
}

describe("pkcs12PrivateKey", () => {
  // -keypbe PBE-SHA1-RC2-40: node:crypto has no RC2 (OpenSSL's legacy provider), so node-forge opens the file.
  const layouts: [string, string[]][] = [
    ["shrouded PBES2/AES (node:crypto)", []],
    ["shrouded PBE-SHA1-3DES (node:crypto)", ["-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES"]],
    ["unencrypted key bag (node:crypto)", ["-keypbe", "NONE"]],
    ["shrouded RC2-40 (node-forge)", ["-legacy", "-keypbe", "PBE-SHA1-RC2-40"]],
  ];
  for (const key of ["rsa2048", "ec384"] as const) {
    for (const [layout, extra] of layouts) {
      it(`${key}, ${layout}, with a non-ASCII password`, async () => {
        const leaf = await pki.leaf(key);
        const file = await opensslPkcs12(pki, leaf, "Grüße, 鍵", extra);
        const overview = readPfxOverview(file);
        if (layout.includes("node-forge")) {
          // the fallback is really needed here
          expect(() =>
            createPrivateKey({
              key: Buffer.from(overview.keyBags[0]!.der),
              format: "der",
              type: "pkcs8",
              passphrase: "Grüße, 鍵",
            }),
          ).toThrow();
        }
        const pkcs8 = pkcs12PrivateKey(file, "Grüße, 鍵", overview, spkiOfPem(leaf.certPem));
        expect(spkiOfPkcs8(pkcs8)).toEqual(spkiOfPem(leaf.certPem));
      });
    }
  }

  it("finds no key for another public key: pkcs12.unreadable", async () => {
    const leaf = await pki.leaf("ec256");
    const file = await opensslPkcs12(pki, leaf, "x", []);
    const other = spkiOfPem((await pki.leaf("ec384")).certPem);
    expect(() => pkcs12PrivateKey(file, "x", readPfxOverview(file), other)).toThrow(
      expect.objectContaining({ name: "KeyError", code: "pkcs12.unreadable" }),
    );
  });
});
