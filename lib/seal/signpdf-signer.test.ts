import { describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { SignPdf } from "@signpdf/signpdf";
import { SUBFILTER_ETSI_CADES_DETACHED } from "@signpdf/utils";
import type { KeyBackend } from "../keys/key-backend";
import { LocalKeyBackend } from "../keys/local/local-key-backend";
import { parseCertificate, parseCertificates } from "../pki/certificate";
import { verifyPdf } from "../verify/verify-pdf";
import { getTestPki } from "@/test/support/pki-fixtures";
import { SignetPadesSigner } from "./signpdf-signer";

describe("SignetPadesSigner (@signpdf's Signer contract)", () => {
  it("signs through @signpdf's pipeline with an asynchronous backend, as PAdES that verifies", async () => {
    const pki = await getTestPki();
    const leaf = await pki.leaf("ec256");
    const local = LocalKeyBackend.fromKeyFile(leaf.keyPem);
    // A backend that answers later, like a KMS or an HSM would.
    let calls = 0;
    const slow: KeyBackend = {
      description: "asynchronous test backend",
      keyAlgorithm: () => local.keyAlgorithm(),
      publicKey: () => local.publicKey(),
      sign: async (request) => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return local.sign(request);
      },
    };
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]).drawText("Signed through @signpdf with Signet's PAdES signer", { x: 50, y: 780, size: 12 });
    pdflibAddPlaceholder({ pdfDoc: doc, reason: "test", contactInfo: "", name: "Signet", location: "", subFilter: SUBFILTER_ETSI_CADES_DETACHED, signatureLength: 8192 });
    const withPlaceholder = Buffer.from(await doc.save({ useObjectStreams: false }));

    const signed = await new SignPdf().sign(withPlaceholder, new SignetPadesSigner({ backend: slow, certificate: parseCertificate(leaf.certDer), chain: parseCertificates(pki.chainPem) }));
    expect(calls).toBe(1);
    const report = await verifyPdf(new Uint8Array(signed), { trustAnchors: [pki.root.certPem] });
    expect(report.summary.exitCode).toBe(0);
    expect(report.signatures[0]).toMatchObject({ verdict: "valid", pades: { level: "B-B" } });
  });
});
