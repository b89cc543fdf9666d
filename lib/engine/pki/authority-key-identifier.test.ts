import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { parseCertificate } from "@/lib/engine/pki/certificate";
import { authorityKeyIdentifier } from "@/lib/engine/pki/authority-key-identifier";

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

describe("authorityKeyIdentifier", () => {
  it("is the issuer's subjectKeyIdentifier", async () => {
    const leaf = parseCertificate((await pki.leaf("ec256")).certDer);
    const intermediate = parseCertificate(pki.intermediate.certDer);
    expect(authorityKeyIdentifier(leaf)).toEqual(intermediate.subjectKeyIdentifier);
    expect(authorityKeyIdentifier(intermediate)).toEqual(parseCertificate(pki.root.certDer).subjectKeyIdentifier);
  });

  it("is undefined without the extension", () => {
    // the test root is self-signed without authorityKeyIdentifier
    expect(authorityKeyIdentifier(parseCertificate(pki.root.certDer))).toBeUndefined();
  });
});
