/**
 * An uploaded certificate file for a pending key: the certificate issued for the
 * key (the leaf), its chain in order, and whatever else the file held.
 */
import type { Certificate } from "@/lib/engine/pki/certificate";
import { CertificateUploadError } from "@/lib/engine/enrolment/enrolment-errors";
import { matchCertificateToKey } from "@/lib/engine/enrolment/upload/match-certificate-to-key";
import { orderChain } from "@/lib/engine/enrolment/upload/order-chain";
import { readCertificateFile } from "@/lib/engine/enrolment/upload/read-certificate-file";

export interface CertificateUpload {
  leaf: Certificate;
  /** Issuer of the leaf first, towards the root. */
  chain: Certificate[];
  /** Certificates of the file that are neither the leaf nor on its chain. */
  unrelated: Certificate[];
}

/**
 * `spki`: the pending key's SubjectPublicKeyInfo (KeyBackend.publicKey()).
 * Throws CertificateUploadError: upload.no_certificate, upload.unreadable,
 * upload.key_mismatch, … (see read-certificate-file.ts).
 */
export function parseCertificateUpload(input: Uint8Array | string, options: { spki: Uint8Array }): CertificateUpload {
  const certificates = readCertificateFile(input);
  const leaf = matchCertificateToKey(certificates, options.spki);
  if (!leaf) {
    const subjects = certificates.map((c) => `“${c.subject}”`).join(", ");
    throw new CertificateUploadError(
      "upload.key_mismatch",
      certificates.length === 1
        ? `This certificate was issued for a different key than the one this request was made with (the file holds the certificate of ${subjects}). Upload the certificate your CA issued for this request's CSR.`
        : `None of the ${certificates.length} certificates in the file was issued for the key this request was made with (the file holds ${subjects}). Upload the certificate your CA issued for this request's CSR.`,
    );
  }
  return { leaf, ...orderChain(leaf, certificates) };
}
