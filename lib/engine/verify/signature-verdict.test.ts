import { describe, expect, it } from "vitest";
import type { CryptoFindings } from "@/lib/engine/verify/crypto-findings";
import { signatureVerdict, type VerdictInput } from "@/lib/engine/verify/signature-verdict";

function input(changes: { findings?: Partial<CryptoFindings>; rest?: Partial<VerdictInput> } = {}): VerdictInput {
  const findings: CryptoFindings = {
    integrity: { checked: true, digestAlgorithm: "SHA-256", digestMatches: true, signatureValid: true, intact: true },
    signerFound: true,
    chain: { trust: "trusted", certificates: [], problems: [] },
    path: [],
    signingTime: { source: "claimed", time: "2026-01-01T00:00:00.000Z" },
    certificateValidAtSigningTime: true,
    attributes: { contentType: "id-data", signingCertificateV2: "match", signingTime: false },
    padesHint: "B-B",
    padesProblems: [],
    problems: [],
    cmsSha256: "00",
    ...changes.findings,
  };
  return {
    kind: "signature",
    byteRange: { sane: true, problems: [], coversWholeFile: true },
    findings,
    changesAfter: { status: "none", laterRevisions: [], appendedBytes: 0, description: "" },
    anchorsGiven: true,
    ...changes.rest,
  };
}

describe("signatureVerdict", () => {
  it("valid when everything holds", () => {
    expect(signatureVerdict(input())).toEqual({
      verdict: "valid",
      reason: "The signature is valid and the signer is trusted.",
    });
    expect(
      signatureVerdict(
        input({
          rest: { anchorsGiven: false },
          findings: { chain: { trust: "not-checked", certificates: [], problems: [] } },
        }),
      ).verdict,
    ).toBe("valid");
  });

  it.each([
    [
      "a malformed byte range",
      { rest: { byteRange: { sane: false, problems: ["The /ByteRange overlaps."], coversWholeFile: false } } },
      "invalid",
      /byte range is malformed: the \/ByteRange overlaps/,
    ],
    [
      "unreadable signature data",
      { findings: { unreadable: { unsupported: false, reason: "The signature data cannot be read." } } },
      "invalid",
      /cannot be read/,
    ],
    [
      "an unsupported format",
      {
        findings: {
          unreadable: { unsupported: true, reason: "Signatures of the format adbe.x509.rsa_sha1 are not supported." },
        },
      },
      "indeterminate",
      /not supported/,
    ],
    ["no signer certificate", { findings: { signerFound: false } }, "indeterminate", /not in the signature/],
    [
      "a digest mismatch",
      { findings: { integrity: { checked: true, digestMatches: false, signatureValid: true, intact: false } } },
      "invalid",
      /does not match the document/,
    ],
    [
      "a bad signature value",
      { findings: { integrity: { checked: true, digestMatches: true, signatureValid: false, intact: false } } },
      "invalid",
      /does not verify/,
    ],
    [
      "a wrong signing-certificate-v2",
      { findings: { attributes: { contentType: "id-data", signingCertificateV2: "mismatch", signingTime: false } } },
      "invalid",
      /different certificate/,
    ],
    [
      "a bad timestamp",
      {
        findings: {
          timestamp: { valid: false, trust: "trusted", imprintMatches: false, signatureValid: true, problems: [] },
        },
      },
      "invalid",
      /timestamp is not valid/,
    ],
    [
      "a modification after signing",
      { rest: { changesAfter: { status: "modified", laterRevisions: [], appendedBytes: 3, description: "" } } },
      "invalid",
      /^The document was changed after it was sealed\.$/,
    ],
    [
      "an expired certificate at a claimed time",
      { findings: { certificateValidAtSigningTime: false } },
      "indeterminate",
      /not valid at signing time/,
    ],
    [
      "an expired certificate at a timestamped time",
      {
        findings: {
          certificateValidAtSigningTime: false,
          signingTime: { source: "timestamp", time: "2026-01-01T00:00:00.000Z" },
        },
      },
      "invalid",
      /not valid at signing time/,
    ],
    [
      "an untrusted signer",
      { findings: { chain: { trust: "untrusted", certificates: [], problems: [] } } },
      "indeterminate",
      /^The signer's certificate is not trusted\.$/,
    ],
    [
      "a self-signed signer",
      { findings: { chain: { trust: "self-signed", certificates: [], problems: [] } } },
      "indeterminate",
      /self-signed and not trusted/,
    ],
    [
      "an untrusted timestamp authority",
      {
        findings: {
          timestamp: { valid: true, trust: "untrusted", imprintMatches: true, signatureValid: true, problems: [] },
        },
      },
      "indeterminate",
      /timestamp authority is not trusted/,
    ],
    [
      "a revoked signer",
      {
        rest: {
          pades: {
            level: "B-B",
            problems: [],
            ltv: {
              complete: true,
              problems: [],
              revocation: [
                { subject: "CN=x", source: "crl", status: "revoked", revocationTime: "2025-01-01T00:00:00.000Z" },
              ],
            },
          },
        },
      },
      "indeterminate",
      /revoked/,
    ],
  ] as const)("%s", (_name, changes, verdict, reason) => {
    const result = signatureVerdict(input(changes as Parameters<typeof input>[0]));
    expect(result.verdict).toBe(verdict);
    expect(result.reason).toMatch(reason);
  });

  it("reports integrity before modification: a tampered signature in a modified file does not match", () => {
    const result = signatureVerdict(
      input({
        findings: { integrity: { checked: true, digestMatches: false, signatureValid: true, intact: false } },
        rest: { changesAfter: { status: "modified", laterRevisions: [], appendedBytes: 1, description: "" } },
      }),
    );
    expect(result.reason).toBe("The signature does not match the document.");
  });
});
