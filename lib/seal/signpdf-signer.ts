/**
 * Signet's PAdES signer behind @signpdf's `Signer` contract, for code that already builds its
 * PDFs with @signpdf's placeholders: @signpdf hands over the covered bytes, this returns a PAdES
 * CMS made through any KeyBackend — asynchronous ones (AWS KMS, PKCS#11) included, which
 * @signpdf's own P12 signer cannot do. Signet itself seals with lib/seal/seal-pdf.ts, which
 * never rewrites a file; this adapter is for integrators.
 */
import { createHash } from "node:crypto";
import { Signer } from "@signpdf/utils";
import { createPadesSignature } from "../cms/create-pades-signature";
import { nodeHashName } from "../keys/hash";
import type { HashAlgorithm, KeyBackend } from "../keys/key-backend";
import type { Certificate } from "../pki/certificate";
import type { Timestamper } from "../tsa/timestamper";

export class SignetPadesSigner extends Signer {
  readonly #options: { backend: KeyBackend; certificate: Certificate; chain?: readonly Certificate[]; hash?: HashAlgorithm; timestamper?: Timestamper };

  constructor(options: { backend: KeyBackend; certificate: Certificate; chain?: readonly Certificate[]; hash?: HashAlgorithm; timestamper?: Timestamper }) {
    super();
    this.#options = options;
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    const hash = this.#options.hash ?? "SHA-256";
    const contentDigest = createHash(nodeHashName(hash)).update(pdfBuffer).digest();
    const cms = await createPadesSignature({ contentDigest, hash, signerCertificate: this.#options.certificate, chain: this.#options.chain, backend: this.#options.backend, timestamper: this.#options.timestamper });
    return Buffer.from(cms);
  }
}
