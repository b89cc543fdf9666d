import path from "node:path";
import { SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { parseCertificate, parseCertificates, type Certificate } from "@/lib/engine/pki/certificate";
import { buildCertificationPath } from "@/lib/engine/pki/certification-path";

let pki: TestPki;
let leaf: Certificate;
let intermediate: Certificate;
let root: Certificate;
beforeAll(async () => {
  pki = await getTestPki();
  leaf = parseCertificate((await pki.leaf("rsa2048")).certDer);
  intermediate = parseCertificate(pki.intermediate.certDer);
  root = parseCertificate(pki.root.certDer);
});

describe("buildCertificationPath", () => {
  it("reaches a trust anchor through the intermediate", () => {
    const result = buildCertificationPath(leaf, {
      intermediates: [root, intermediate],
      anchors: [root],
      at: new Date(),
    });
    expect(result.trust).toBe("trusted");
    expect(result.path.map((c) => c.subject)).toEqual([leaf.subject, intermediate.subject, root.subject]);
    expect(result.validAt).toBe(true);
    expect(result.problems).toEqual([]);
  });

  it("is untrusted without the intermediate, with another anchor, or without anchors", () => {
    expect(buildCertificationPath(leaf, { anchors: [root] })).toMatchObject({
      trust: "untrusted",
      problems: [expect.stringMatching(/issuer .* is not available/), expect.anything()],
    });
    const other = parseCertificates(readFileSync(path.join(SIGNED_CORPUS_DIR, "test-root-ca.pem"), "utf8"))[0]!;
    expect(buildCertificationPath(leaf, { intermediates: [intermediate, root], anchors: [other] }).trust).toBe(
      "untrusted",
    );
    expect(buildCertificationPath(leaf, { intermediates: [intermediate, root] }).trust).toBe("untrusted");
  });

  it("recognises self-signed certificates, trusted only when they are anchors themselves", async () => {
    const self = parseCertificate((await pki.issue({ name: "self", key: "ec256", issuer: "self" })).certDer);
    expect(buildCertificationPath(self, { anchors: [root] }).trust).toBe("self-signed");
    expect(buildCertificationPath(self, { anchors: [self] }).trust).toBe("trusted");
  });

  it("reports validity at a given time separately from trust", () => {
    const result = buildCertificationPath(leaf, {
      intermediates: [intermediate],
      anchors: [root],
      at: new Date(Date.now() + 2 * 365 * 24 * 3600_000),
    });
    expect(result.trust).toBe("trusted");
    expect(result.validAt).toBe(false);
    expect(result.problems[0]).toMatch(/was not valid on/);
  });

  it("refuses a path through a certificate that is not a CA", async () => {
    const notCa = await pki.issue({ name: "not a CA", key: "ec256" });
    const below = parseCertificate((await pki.issue({ name: "below", key: "ec256", issuer: notCa })).certDer);
    const result = buildCertificationPath(below, {
      intermediates: [parseCertificate(notCa.certDer), intermediate],
      anchors: [root],
    });
    expect(result.trust).toBe("untrusted");
    expect(result.problems.join(" ")).toMatch(/not a certification authority/);
  });
});
