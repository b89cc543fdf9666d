import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isSignetError } from "@/lib/engine/errors";
import { NotAPdfError, PdfDamagedError } from "@/lib/engine/pdf/pdf-errors";
import { CertificateError } from "@/lib/engine/pki/pki-errors";
import { PDF_CORPUS_DIR, SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { tinyPdf } from "@/test/support/pdf-samples";
import { appendInfoUpdate } from "@/test/support/pdf-fixtures/append-info-update";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import type { SignatureReport, VerificationReport } from "@/lib/engine/verify/verification-report";

const read = (file: string) => new Uint8Array(readFileSync(path.join(SIGNED_CORPUS_DIR, file)));
const root = readFileSync(path.join(SIGNED_CORPUS_DIR, "test-root-ca.pem"), "utf8");

type Expected = {
  file: string;
  exitCode: 0 | 1;
  /** Per signature, in signing order. */
  signatures: Array<
    Partial<Pick<SignatureReport, "verdict" | "reason">> & {
      pades: string;
      changes: string;
      whole: boolean;
      trust: string;
    }
  >;
};

/** The README of the signed corpus, as verdicts with --trust test-root-ca.pem. */
const CORPUS: Expected[] = [
  {
    file: "s01-pyhanko-pades-bb-rsa.pdf",
    exitCode: 0,
    signatures: [{ verdict: "valid", pades: "B-B", changes: "none", whole: true, trust: "trusted" }],
  },
  {
    file: "s02-pyhanko-pades-bb-ec.pdf",
    exitCode: 0,
    signatures: [{ verdict: "valid", pades: "B-B", changes: "none", whole: true, trust: "trusted" }],
  },
  {
    file: "s03-pyhanko-two-signatures.pdf",
    exitCode: 0,
    signatures: [
      { verdict: "valid", pades: "B-B", changes: "signature-updates-only", whole: false, trust: "trusted" },
      { verdict: "valid", pades: "B-B", changes: "none", whole: true, trust: "trusted" },
    ],
  },
  {
    file: "s04-pyhanko-pades-bt-rsa.pdf",
    exitCode: 0,
    signatures: [{ verdict: "valid", pades: "B-T", changes: "none", whole: true, trust: "trusted" }],
  },
  {
    file: "s05-signpdf-pkcs7-rsa.pdf",
    exitCode: 0,
    signatures: [{ verdict: "valid", pades: "not PAdES", changes: "none", whole: true, trust: "trusted" }],
  },
  {
    file: "s06-pyhanko-selfsigned.pdf",
    exitCode: 1,
    signatures: [
      {
        verdict: "indeterminate",
        reason: "The signer's certificate is self-signed and not trusted.",
        pades: "B-B",
        changes: "none",
        whole: true,
        trust: "self-signed",
      },
    ],
  },
  {
    file: "t01-tampered-signed-byte.pdf",
    exitCode: 1,
    signatures: [
      {
        verdict: "invalid",
        reason: "The signature does not match the document.",
        pades: "B-B",
        changes: "none",
        whole: true,
        trust: "trusted",
      },
    ],
  },
  {
    file: "t02-tampered-appended-bytes.pdf",
    exitCode: 1,
    signatures: [
      {
        verdict: "invalid",
        reason: "The document was changed after it was sealed.",
        pades: "B-B",
        changes: "modified",
        whole: false,
        trust: "trusted",
      },
    ],
  },
  {
    file: "t03-tampered-signature-value.pdf",
    exitCode: 1,
    signatures: [
      {
        verdict: "invalid",
        reason: "The signature value does not verify with the signer's certificate.",
        pades: "not PAdES",
        changes: "none",
        whole: true,
        trust: "trusted",
      },
    ],
  },
];

describe("verifyPdf on the signed corpus (README verdicts, trusting test-root-ca.pem)", () => {
  it.each(CORPUS.map((c) => [c.file, c] as const))("%s", async (_file, expected) => {
    const report = await verifyPdf(read(expected.file), { trustAnchors: [root] });
    expect(report.summary.exitCode).toBe(expected.exitCode);
    expect(report.signatures).toHaveLength(expected.signatures.length);
    expected.signatures.forEach((want, i) => {
      const got = report.signatures[i] as SignatureReport;
      expect(got.verdict).toBe(want.verdict);
      if (want.reason) expect(got.reason).toBe(want.reason);
      expect(got.pades?.level).toBe(want.pades);
      expect(got.changesAfter.status).toBe(want.changes);
      expect(got.byteRange.coversWholeFile).toBe(want.whole);
      expect(got.byteRange.sane).toBe(true);
      expect(got.chain.trust).toBe(want.trust);
      expect(got.kind).toBe("signature");
    });
    // The report is plain JSON.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("s01: the details of a trusted PAdES B-B signature", async () => {
    const report = await verifyPdf(read("s01-pyhanko-pades-bb-rsa.pdf"), { trustAnchors: [root] });
    const [s] = report.signatures as [SignatureReport];
    expect(s).toMatchObject({
      fieldName: "Seal1",
      subFilter: "ETSI.CAdES.detached",
      claimedSigningTime: "2026-11-22T01:26:27.000Z",
      byteRange: { value: [0, 31819, 39713, 614], sane: true, coversWholeFile: true, revision: 1, problems: [] },
      integrity: { checked: true, digestAlgorithm: "SHA-256", digestMatches: true, signatureValid: true, intact: true },
      attributes: { contentType: "id-data", signingCertificateV2: "match", signingTime: false },
      signingTime: { source: "claimed", time: "2026-11-22T01:26:27.000Z" },
      certificateValidAtSigningTime: true,
      problems: [],
    });
    expect(s.signer?.subject).toContain("CN=Harness Sealer RSA");
    expect(s.signer?.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(s.chain.certificates.map((c) => c.subject)).toEqual([
      expect.stringContaining("Sealer RSA"),
      expect.stringContaining("Intermediate"),
      expect.stringContaining("Root"),
    ]);
    expect(report.summary).toMatchObject({
      signatureCount: 1,
      documentTimestampCount: 0,
      allValid: true,
      modifiedAfterLastSignature: false,
      verdict: "valid",
      exitCode: 0,
    });
  });

  it("s03: the first signature is followed only by the second, in signing order", async () => {
    const report = await verifyPdf(read("s03-pyhanko-two-signatures.pdf"), { trustAnchors: [root] });
    const [first, second] = report.signatures as [SignatureReport, SignatureReport];
    expect([first.fieldName, second.fieldName]).toEqual(["Seal1", "Seal2"]);
    expect(first.byteRange.revision).toBe(1);
    expect(first.changesAfter.laterRevisions).toEqual([
      expect.objectContaining({ index: 2, contents: ["signature"], allowed: true }),
    ]);
    expect(first.changesAfter.description).toBe("Only later signatures were added after this signature.");
    expect(report.summary.reason).toBe("All 2 signatures are valid, and the signers are trusted.");
  });

  it("s04: the signature timestamp is valid and gives the signing time", async () => {
    const [s] = (await verifyPdf(read("s04-pyhanko-pades-bt-rsa.pdf"), { trustAnchors: [root] })).signatures as [
      SignatureReport,
    ];
    expect(s.timestamp).toMatchObject({ valid: true, imprintMatches: true, signatureValid: true, trust: "trusted" });
    expect(s.timestamp?.tsa?.subject).toContain("Harness Test TSA");
    expect(s.signingTime).toEqual({ source: "timestamp", time: s.timestamp?.time });
  });

  it("s05: a valid signature that is not PAdES baseline says why", async () => {
    const [s] = (await verifyPdf(read("s05-signpdf-pkcs7-rsa.pdf"), { trustAnchors: [root] })).signatures as [
      SignatureReport,
    ];
    expect(s.attributes).toMatchObject({ signingTime: true, signingCertificateV2: "absent" });
    expect(s.pades?.problems.join(" ")).toMatch(/adbe\.pkcs7\.detached/);
    expect(s).toMatchObject({ signerName: "Harness @signpdf", signingReason: "harness test", location: "localhost" });
  });

  it("without trust anchors, trust is not checked and self-signed is valid", async () => {
    const report = await verifyPdf(read("s06-pyhanko-selfsigned.pdf"));
    expect(report.trustAnchorsGiven).toBe(false);
    expect(report.signatures[0]).toMatchObject({
      verdict: "valid",
      chain: { trust: "not-checked" },
      signer: { selfSigned: true },
    });
    expect(report.summary.exitCode).toBe(0);
  });

  it("with another root, a chained signer is untrusted", async () => {
    const selfSigned = readFileSync(path.join(SIGNED_CORPUS_DIR, "test-tsa.pem"), "utf8");
    const [s] = (await verifyPdf(read("s01-pyhanko-pades-bb-rsa.pdf"), { trustAnchors: [selfSigned] })).signatures as [
      SignatureReport,
    ];
    expect(s).toMatchObject({
      verdict: "indeterminate",
      reason: "The signer's certificate is not trusted.",
      chain: { trust: "untrusted" },
    });
  });

  it("t02: the signature is intact, but bytes were appended", async () => {
    const report = await verifyPdf(read("t02-tampered-appended-bytes.pdf"), { trustAnchors: [root] });
    const [s] = report.signatures as [SignatureReport];
    expect(s.integrity.intact).toBe(true);
    expect(s.changesAfter).toMatchObject({ status: "modified", appendedBytes: 39, laterRevisions: [] });
    expect(report.summary).toMatchObject({
      modifiedAfterLastSignature: true,
      exitCode: 1,
      reason: 'Signature "Seal1": The document was changed after it was sealed.',
    });
  });
});

describe("signatures made by other tools beyond the signed corpus", () => {
  it("more/p16: pdfsig (NSS) writes BER indefinite lengths; the signature is valid, its self-signed signer untrusted", async () => {
    const pdf = new Uint8Array(readFileSync(path.join(PDF_CORPUS_DIR, "more", "p16-pdfsig-signed.pdf")));
    const [s] = (await verifyPdf(pdf, { trustAnchors: [root] })).signatures as [SignatureReport];
    expect(s).toMatchObject({
      subFilter: "adbe.pkcs7.detached",
      integrity: { intact: true },
      chain: { trust: "self-signed" },
      verdict: "indeterminate",
      pades: { level: "not PAdES" },
    });
    expect((await verifyPdf(pdf)).signatures[0]?.verdict).toBe("valid");
  });
});

describe("changes after a signature", () => {
  it("an unsigned incremental update that only changes /Info is a modification", async () => {
    const modified = appendInfoUpdate(read("s01-pyhanko-pades-bb-rsa.pdf"));
    const report = await verifyPdf(modified, { trustAnchors: [root] });
    const [s] = report.signatures as [SignatureReport];
    expect(report.revisionCount).toBe(3);
    expect(s.integrity.intact).toBe(true);
    expect(s).toMatchObject({ verdict: "invalid", reason: "The document was changed after it was sealed." });
    expect(s.changesAfter.status).toBe("modified");
    expect(s.changesAfter.appendedBytes).toBe(0);
    expect(s.changesAfter.laterRevisions).toEqual([
      expect.objectContaining({
        index: 2,
        contents: [],
        allowed: false,
        changes: [expect.objectContaining({ object: 24, category: "metadata" })],
      }),
    ]);
    expect(s.changesAfter.description).toBe(
      "An unsigned incremental update (update 2) was appended after this signature.",
    );
    expect(report.summary).toMatchObject({ modifiedAfterLastSignature: true, exitCode: 1 });
  });

  it("an unsigned update after the second signature makes both modified", async () => {
    const report = await verifyPdf(appendInfoUpdate(read("s03-pyhanko-two-signatures.pdf")), { trustAnchors: [root] });
    expect(report.signatures.map((s) => [s.verdict, s.changesAfter.status])).toEqual([
      ["invalid", "modified"],
      ["invalid", "modified"],
    ]);
  });

  it("white space after %%EOF is not a modification", async () => {
    const pdf = read("s02-pyhanko-pades-bb-ec.pdf");
    const report = await verifyPdf(Buffer.concat([pdf, Buffer.from("\r\n  \n")]), { trustAnchors: [root] });
    expect(report.signatures[0]).toMatchObject({ verdict: "valid", changesAfter: { status: "none" } });
  });
});

describe("files that cannot be verified", () => {
  const cases: Array<[string, Uint8Array, new (...args: never[]) => Error]> = [
    ["empty", new Uint8Array(0), NotAPdfError],
    ["not a PDF", Buffer.from("GIF89a this is not a PDF at all"), NotAPdfError],
    ["random bytes", Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251), NotAPdfError],
    ["a header and nothing else", Buffer.from("%PDF-1.7\n%âãÏÓ\n"), PdfDamagedError],
    ["a truncated signed file", read("s01-pyhanko-pades-bb-rsa.pdf").subarray(0, 20_000), PdfDamagedError],
  ];
  it.each(cases)("%s: a typed error", async (_name, bytes, errorClass) => {
    const error = await verifyPdf(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect(isSignetError(error)).toBe(true);
  });

  it("an unusable trust anchor is a typed error", async () => {
    await expect(
      verifyPdf(read("s01-pyhanko-pades-bb-rsa.pdf"), { trustAnchors: ["not a certificate"] }),
    ).rejects.toBeInstanceOf(CertificateError);
  });

  it("a PDF without signatures is a report with exit code 1", async () => {
    const report: VerificationReport = await verifyPdf(tinyPdf());
    expect(report.signatures).toEqual([]);
    expect(report.summary).toMatchObject({
      signatureCount: 0,
      allValid: false,
      verdict: "invalid",
      exitCode: 1,
      reason: "The document holds no signature.",
    });
  });
});

describe("room for Signet's records", () => {
  it("calls the injected lookup once per signature and reports its answer", async () => {
    const queries: unknown[] = [];
    const report = await verifyPdf(read("s03-pyhanko-two-signatures.pdf"), {
      signetLookup: async (query) => {
        queries.push(query);
        return query.fieldName === "Seal2"
          ? { inRecords: true, sealId: "seal-42", certificateStatus: "active" }
          : undefined;
      },
    });
    expect(queries).toHaveLength(2);
    expect(queries[0]).toMatchObject({
      fieldName: "Seal1",
      kind: "signature",
      cmsSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      signerFingerprintSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(report.signatures[0]?.signet).toBeUndefined();
    expect(report.signatures[1]?.signet).toEqual({ inRecords: true, sealId: "seal-42", certificateStatus: "active" });
  });
});
