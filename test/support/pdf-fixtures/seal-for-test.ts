/** Test fixture: seals a PDF with a test PKI leaf through lib/seal (B-B, or B-T with a timestamper). */
import { LocalKeyBackend } from "@/lib/engine/keys/local/local-key-backend";
import { parseCertificate } from "@/lib/engine/pki/certificate";
import { sealPdf } from "@/lib/engine/seal/seal-pdf";
import type { Timestamper } from "@/lib/engine/tsa/timestamper";
import type { TestCertificate, TestPki } from "@/test/support/pki-fixtures";

export async function sealForTest(
  pdf: Uint8Array,
  pki: TestPki,
  leaf: TestCertificate,
  options: { timestamper?: Timestamper; signingTime?: Date; fieldName?: string; visible?: boolean } = {},
): Promise<Uint8Array> {
  const result = await sealPdf(pdf, {
    backend: LocalKeyBackend.fromKeyFile(leaf.keyPem),
    certificate: parseCertificate(leaf.certDer),
    chain: [parseCertificate(pki.intermediate.certDer)],
    timestamper: options.timestamper,
    signingTime: options.signingTime,
    fieldName: options.fieldName,
    placement: options.visible ? { page: 1, rect: { x: 20, y: 20, width: 160, height: 60 } } : undefined,
  });
  return result.pdf;
}
