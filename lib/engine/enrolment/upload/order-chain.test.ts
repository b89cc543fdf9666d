import { beforeAll, describe, expect, it } from "vitest";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import { orderChain } from "@/lib/engine/enrolment/upload/order-chain";

let pki: TestPki;
let leaf: Certificate;
let intermediate: Certificate;
let root: Certificate;
let tsa: Certificate;
beforeAll(async () => {
  pki = await getTestPki();
  leaf = parseCertificate((await pki.leaf("rsa2048")).certDer);
  intermediate = parseCertificate(pki.intermediate.certDer);
  root = parseCertificate(pki.root.certDer);
  tsa = parseCertificate(pki.tsa.certDer);
});

const caUsage = {
  keyUsage: "critical,keyCertSign,cRLSign",
  extendedKeyUsage: null,
  basicConstraints: "critical,CA:TRUE",
} as const;
const names = (certificates: Certificate[]) => certificates.map((c) => c.subject);

describe("orderChain", () => {
  it("orders leaf → root whatever the order of the file, and reports certificates off the path", () => {
    const other = orderChain(leaf, [tsa, root, leaf, intermediate, root]);
    expect(names(other.chain)).toEqual([intermediate.subject, root.subject]);
    expect(other.unrelated).toEqual([tsa]);
  });

  it("stops where the chain breaks: without the intermediate the root is unrelated", () => {
    expect(orderChain(leaf, [root])).toEqual({ chain: [], unrelated: [root] });
    expect(orderChain(leaf, [intermediate])).toEqual({ chain: [intermediate], unrelated: [] });
  });

  it("tells apart two CAs with the same name by key (authorityKeyIdentifier, signature)", async () => {
    const impostor = parseCertificate(
      (await pki.issue({ name: "Signet Test Intermediate CA", key: "rsa2048", issuer: "root", ...caUsage })).certDer,
    );
    expect(impostor.subjectDer).toEqual(intermediate.subjectDer);
    const result = orderChain(leaf, [impostor, intermediate, root]);
    expect(result.chain).toEqual([intermediate, root]);
    expect(result.unrelated).toEqual([impostor]);
  });

  it("a certificate with the issuer's name but not its signature is not the issuer", async () => {
    // same subject name as the intermediate, no subjectKeyIdentifier to compare: only the signature can tell
    const sameName = parseCertificate(
      (await pki.issue({ name: "Signet Test Intermediate CA", key: "ec256", issuer: "self", ...caUsage })).certDer,
    );
    expect(orderChain(leaf, [sameName]).chain).toEqual([]);
  });

  it("a self-signed leaf has no chain", async () => {
    const selfSigned = parseCertificate((await pki.issue({ name: "testing", key: "ec256", issuer: "self" })).certDer);
    expect(orderChain(selfSigned, [root, intermediate])).toEqual({ chain: [], unrelated: [root, intermediate] });
  });
});
