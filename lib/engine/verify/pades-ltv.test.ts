import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpTimestamper } from "@/lib/engine/tsa/http-timestamper";
import { getTestPki, type TestCertificate, type TestPki } from "@/test/support/pki-fixtures";
import { tinyPdf } from "@/test/support/pdf-samples";
import { startTestTsa, type TestTsa } from "@/test/support/tsa-server";
import { appendDocumentTimestamp } from "@/test/support/pdf-fixtures/append-document-timestamp";
import { appendDss } from "@/test/support/pdf-fixtures/append-dss";
import { makeCrl, makeOcspResponse, revoke } from "@/test/support/pdf-fixtures/revocation-data";
import { sealForTest } from "@/test/support/pdf-fixtures/seal-for-test";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import type { SignatureReport } from "@/lib/engine/verify/verification-report";

let pki: TestPki;
let tsa: TestTsa;
let timestamper: HttpTimestamper;
let leaf: TestCertificate;
let bt: Uint8Array;
let crls: Uint8Array[];

beforeAll(async () => {
  pki = await getTestPki();
  tsa = await startTestTsa(pki);
  timestamper = new HttpTimestamper({ url: tsa.url });
  leaf = await pki.leaf("rsa2048");
  bt = await sealForTest(tinyPdf(), pki, leaf, { timestamper });
  crls = [await makeCrl(pki, pki.intermediate), await makeCrl(pki, pki.root)];
}, 120_000);
afterAll(() => tsa?.stop());

const certs = () => [leaf.certDer, pki.intermediate.certDer, pki.root.certDer];
const anchors = () => [pki.root.certPem];
const first = async (pdf: Uint8Array, trustAnchors = anchors()) =>
  (await verifyPdf(pdf, { trustAnchors })).signatures[0] as SignatureReport;

describe("PAdES levels from the DSS and document timestamps", () => {
  it("B-T: our own seal with a timestamp", async () => {
    const s = await first(bt);
    expect(s).toMatchObject({
      verdict: "valid",
      pades: { level: "B-T" },
      timestamp: { valid: true, trust: "trusted" },
      signingTime: { source: "timestamp" },
    });
  });

  it("B-LT: a later /DSS with the chain and CRLs for the leaf and the intermediate", async () => {
    const lt = appendDss(bt, { certs: certs(), crls });
    const s = await first(lt);
    expect(s).toMatchObject({ verdict: "valid", changesAfter: { status: "signature-updates-only" } });
    expect(s.changesAfter.laterRevisions).toEqual([expect.objectContaining({ contents: ["dss"], allowed: true })]);
    expect(s.changesAfter.description).toBe("Only later validation data (DSS) were added after this signature.");
    expect(s.pades).toMatchObject({ level: "B-LT", ltv: { complete: true, dssRevision: 2 } });
    expect(s.pades?.ltv?.revocation.map((r) => [r.source, r.status])).toEqual([
      ["crl", "good"],
      ["crl", "good"],
    ]);
  });

  it("B-LT with an OCSP response for the leaf", async () => {
    const ocsp = await makeOcspResponse(pki, leaf, pki.intermediate);
    const s = await first(appendDss(bt, { certs: certs(), ocsps: [ocsp], crls: [crls[1] as Uint8Array] }));
    expect(s.pades?.level).toBe("B-LT");
    expect(s.pades?.ltv?.revocation.map((r) => [r.source, r.status])).toEqual([
      ["ocsp", "good"],
      ["crl", "good"],
    ]);
  });

  it("stays B-T when the DSS lacks revocation data for a certificate of the chain", async () => {
    const s = await first(appendDss(bt, { certs: certs(), crls: [crls[0] as Uint8Array] }));
    expect(s.verdict).toBe("valid");
    expect(s.pades).toMatchObject({ level: "B-T", ltv: { complete: false } });
    expect(s.pades?.problems.join(" ")).toMatch(/no revocation data for "[^"]*Intermediate/);
  });

  it("B-B with a DSS stays B-B (B-LT needs a signature timestamp)", async () => {
    const bb = await sealForTest(tinyPdf(), pki, leaf);
    const s = await first(appendDss(bb, { certs: certs(), crls }));
    expect(s).toMatchObject({ verdict: "valid", pades: { level: "B-B", ltv: { complete: true } } });
  });

  it("B-LTA: a document timestamp after the DSS; the timestamp is reported on its own", async () => {
    const lta = await appendDocumentTimestamp(appendDss(bt, { certs: certs(), crls }), timestamper);
    const report = await verifyPdf(lta, { trustAnchors: anchors() });
    const [signature, docTimestamp] = report.signatures as [SignatureReport, SignatureReport];
    expect(signature).toMatchObject({
      verdict: "valid",
      pades: { level: "B-LTA" },
      changesAfter: { status: "signature-updates-only" },
    });
    expect(signature.changesAfter.laterRevisions.map((r) => r.contents)).toEqual([["dss"], ["document-timestamp"]]);
    expect(docTimestamp).toMatchObject({
      kind: "document-timestamp",
      fieldName: "DocTimeStamp1",
      subFilter: "ETSI.RFC3161",
      verdict: "valid",
      reason: "The document timestamp is valid and its authority is trusted.",
      byteRange: { sane: true, coversWholeFile: true },
      integrity: { intact: true, digestMatches: true, signatureValid: true, digestAlgorithm: "SHA-256" },
      chain: { trust: "trusted" },
      timestamp: { valid: true, imprintMatches: true },
      signingTime: { source: "timestamp" },
      changesAfter: { status: "none" },
    });
    expect(docTimestamp.signer?.subject).toContain("Signet Test TSA");
    expect(docTimestamp.pades).toBeUndefined();
    expect(report.summary).toMatchObject({ signatureCount: 1, documentTimestampCount: 1, allValid: true, exitCode: 0 });
    expect(report.summary.reason).toBe(
      "The signature is valid and so is the document timestamp, and the signers are trusted.",
    );
  });

  it("a damaged document timestamp is invalid and does not make B-LTA", async () => {
    const lta = await appendDocumentTimestamp(appendDss(bt, { certs: certs(), crls }), timestamper);
    const damaged = lta.slice();
    const text = Buffer.from(damaged).toString("latin1");
    const contents = text.lastIndexOf("/Contents <") + "/Contents <".length;
    // A hex digit inside the token, well past its header, changed to a different value ("a" and "A" are the same nibble).
    damaged[contents + 1500] = damaged[contents + 1500] === 0x30 ? 0x31 : 0x30;
    const report = await verifyPdf(damaged, { trustAnchors: anchors() });
    const [signature, docTimestamp] = report.signatures as [SignatureReport, SignatureReport];
    expect(docTimestamp.verdict).toBe("invalid");
    expect(signature).toMatchObject({ verdict: "valid", pades: { level: "B-LT" } });
    expect(report.summary.exitCode).toBe(1);
  });

  it("a document timestamp alone is not a signature", async () => {
    const report = await verifyPdf(await appendDocumentTimestamp(tinyPdf(), timestamper), { trustAnchors: anchors() });
    expect(report.signatures.map((s) => [s.kind, s.verdict])).toEqual([["document-timestamp", "valid"]]);
    expect(report.summary).toMatchObject({
      signatureCount: 0,
      documentTimestampCount: 1,
      exitCode: 1,
      reason: "The document holds document timestamps but no signature.",
    });
  });
});

describe("our own seals", () => {
  it("a visible seal, then a second B-T seal by another certificate: both valid, the first followed only by a signature", async () => {
    const once = await sealForTest(tinyPdf(), pki, leaf, { visible: true });
    const twice = await sealForTest(once, pki, await pki.leaf("ec384"), { timestamper, visible: true });
    const report = await verifyPdf(twice, { trustAnchors: anchors() });
    expect(
      report.signatures.map((s) => [
        s.fieldName,
        s.verdict,
        s.pades?.level,
        s.changesAfter.status,
        s.byteRange.coversWholeFile,
      ]),
    ).toEqual([
      ["Signet-Seal-1", "valid", "B-B", "signature-updates-only", false],
      ["Signet-Seal-2", "valid", "B-T", "none", true],
    ]);
    expect(report.summary.exitCode).toBe(0);
  });
});

describe("revocation data in the DSS", () => {
  it("a revoked signer without a timestamp is indeterminate; with a timestamp from before the revocation it stays valid", async () => {
    const revokedLeaf = await pki.issue({ name: "Signet Test Signer to revoke", key: "ec256" });
    const bb = await sealForTest(tinyPdf(), pki, revokedLeaf);
    const timestamped = await sealForTest(tinyPdf(), pki, revokedLeaf, { timestamper });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the revocation comes a second after the timestamp
    await revoke(pki, revokedLeaf, pki.intermediate);
    const dss = {
      certs: [revokedLeaf.certDer, pki.intermediate.certDer],
      crls: [await makeCrl(pki, pki.intermediate), crls[1] as Uint8Array],
    };

    const untimestamped = await first(appendDss(bb, dss));
    expect(untimestamped).toMatchObject({ verdict: "indeterminate", reason: "The signer's certificate was revoked." });
    expect(untimestamped.pades?.ltv?.revocation[0]).toMatchObject({ source: "crl", status: "revoked" });

    const proven = await first(appendDss(timestamped, dss));
    expect(proven.pades?.ltv?.revocation[0]?.status).toBe("revoked");
    expect(proven.verdict).toBe("valid");
  });
});
