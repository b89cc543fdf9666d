import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSignetError } from "@/lib/engine/errors";
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { PdfLimitExceededError } from "@/lib/engine/pdf/pdf-errors";
import { PDF_LIMITS, SEAL_RESERVE, type PdfLimits } from "@/lib/engine/pdf/limits";
import { parseCertificate, parseCertificates } from "@/lib/engine/pki/certificate";
import { isolationSettings, verificationPool, verifyIsolated } from "@/lib/public-verify/isolated-verify";
import { PUBLIC_VERIFY_LIMITS } from "@/lib/public-verify/verify-upload";
import { sealPdf, type SealPdfRequest } from "@/lib/engine/seal/seal-pdf";
import { compressedObjectsPdf } from "@/test/support/pdf-fixtures/compressed-objects-pdf";
import { verifyPdf } from "@/lib/engine/verify/verify-pdf";
import { getTestPki, type TestPki } from "@/test/support/pki-fixtures";
import { SIGNED_CORPUS_DIR } from "@/test/support/shared-dir";
import { inspectPdf } from "@/lib/documents/inspect-pdf";
import { inspectionPool, inspectIsolated } from "@/lib/documents/isolated-inspection";

const TOO_COMPLEX = /too complex/i;

let pki: TestPki;
let signer: Pick<SealPdfRequest, "backend" | "certificate" | "chain">;
const inspections = inspectionPool({ workers: 1 });
const verifications = verificationPool({ ...isolationSettings(1), maxQueue: 4 });
beforeAll(async () => {
  pki = await getTestPki();
  const leaf = await pki.leaf("ec256");
  signer = {
    backend: LocalKeyBackend.fromKeyFile(leaf.keyPem),
    certificate: parseCertificate(leaf.certDer),
    chain: parseCertificates(pki.chainPem),
  };
}, 120_000);
afterAll(async () => {
  await inspections.close();
  await verifications.close();
});

const verifyInWorker = (pdf: Uint8Array, limits: Partial<PdfLimits>) =>
  verifyIsolated({ pdf, trustAnchors: [pki.root.certDer], now: new Date().toISOString(), limits }, verifications);
const codeOf = (error: unknown) => (isSignetError(error) ? error.code : String(error));

describe("one set of structural limits for sealing and verifying (SECURITY.md invariant 19)", () => {
  it("public verification reads with the very limits lib/pdf defines for everyone", () => {
    expect(PUBLIC_VERIFY_LIMITS).toEqual(PDF_LIMITS);
  });

  it("a PDF of a million (compressed) objects, which Signet's verifier refuses, is refused at upload as too complex, quickly", async () => {
    const pdf = compressedObjectsPdf(1_000_000);
    expect(pdf.length).toBeLessThan(10 * 1024 * 1024);
    const started = Date.now();
    const verdict = await inspectIsolated(new Uint8Array(pdf), inspections);
    const elapsed = Date.now() - started;
    expect(verdict).toMatchObject({ ok: false, reason: "damaged", detail: "limit: objects" });
    expect(verdict.ok ? "" : verdict.message).toMatch(TOO_COMPLEX);
    expect(elapsed, "refused in the worker within a few seconds").toBeLessThan(5_000);

    const verified = await verifyInWorker(pdf, PUBLIC_VERIFY_LIMITS).catch((e: unknown) => e);
    expect(codeOf(verified)).toBe("pdf.limit");
    const sealed = await sealPdf(pdf, signer).catch((e: unknown) => e);
    expect(sealed).toBeInstanceOf(PdfLimitExceededError);
  });

  describe("with the limits made small (tests inject them; production uses PDF_LIMITS)", () => {
    const limits: Partial<PdfLimits> = { maxObjects: 3_000 };
    const sealingMax = 3_000 - SEAL_RESERVE.objects;
    // compressedObjectsPdf(n) declares n objects, one object stream per 10,000 and its cross-reference stream: /Size n + 3.
    const atTheLimit = () => compressedObjectsPdf(sealingMax - 3);

    it("a file at the seal path's limit is accepted at upload, sealed, and Signet's verifier (in its worker) accepts the sealed file", async () => {
      const original = atTheLimit();
      expect(inspectPdf(original, limits)).toMatchObject({ ok: true, pageCount: 1 });
      const result = await sealPdf(original, { ...signer, limits });
      const { report } = await verifyInWorker(result.pdf, limits);
      expect(report.signatures).toHaveLength(1);
      expect(report.signatures[0]?.integrity.intact).toBe(true);
      expect(report.signatures[0]?.verdict).toBe("valid");
      // What the reserve is for: the seal added objects, and with no room left the verifier would have refused the sealed file.
      const withoutReserve = await verifyInWorker(result.pdf, { maxObjects: sealingMax }).catch((e: unknown) => e);
      expect(codeOf(withoutReserve)).toBe("pdf.limit");
    });

    it("one object more is refused at upload as too complex, and by sealing", async () => {
      const over = compressedObjectsPdf(sealingMax - 2);
      const verdict = inspectPdf(over, limits);
      expect(verdict).toMatchObject({ ok: false, reason: "damaged", detail: "limit: objects" });
      expect(verdict.ok ? "" : verdict.message).toMatch(TOO_COMPLEX);
      const error = await sealPdf(over, { ...signer, limits }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PdfLimitExceededError);
      expect((error as PdfLimitExceededError).limit).toBe("objects");
    });

    it("a file with as many signatures as the verifier reads is refused at upload; one fewer is sealed and verifies", async () => {
      const twoSignatures = readFileSync(path.join(SIGNED_CORPUS_DIR, "s03-pyhanko-two-signatures.pdf"));
      const oneSignature = readFileSync(path.join(SIGNED_CORPUS_DIR, "s01-pyhanko-pades-bb-rsa.pdf"));
      const small = { maxSignatures: 2 };
      expect((await verifyPdf(twoSignatures, { limits: small })).signatures).toHaveLength(2);
      const verdict = inspectPdf(twoSignatures, small);
      expect(verdict).toMatchObject({ ok: false, reason: "damaged", detail: "limit: signatures" });
      expect(verdict.ok ? "" : verdict.message).toMatch(TOO_COMPLEX);
      expect(await sealPdf(twoSignatures, { ...signer, limits: small }).catch((e: unknown) => codeOf(e))).toBe(
        "pdf.limit",
      );

      expect(inspectPdf(oneSignature, small)).toMatchObject({ ok: true });
      const sealed = await sealPdf(oneSignature, { ...signer, limits: small });
      const { report } = await verifyInWorker(sealed.pdf, small);
      expect(report.signatures).toHaveLength(2);
      expect(report.signatures[1]?.integrity.intact).toBe(true);
    });
  });
});
