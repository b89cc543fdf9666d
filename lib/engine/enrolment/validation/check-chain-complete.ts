import type { Certificate } from "@/lib/engine/pki/certificate";
import type { CertificationPath } from "@/lib/engine/pki/certification-path";
import { isSelfSigned } from "@/lib/engine/pki/self-signed";
import { EnrolmentCheckError } from "@/lib/engine/enrolment/enrolment-errors";
import { MAX_CHAIN_LENGTH } from "@/lib/engine/enrolment/upload/order-chain";

/**
 * The path reaches a self-signed root, or one of the organisation's own CA
 * certificates. A missing intermediate (or root) is named, so the admin knows
 * which certificate to add to the upload.
 */
export function checkChainComplete(path: CertificationPath, organisationCas: readonly Certificate[] = []): void {
  const last = path.path[path.path.length - 1];
  if (!last || path.anchor || isSelfSigned(last)) return;
  if (path.path.length > MAX_CHAIN_LENGTH) {
    throw new EnrolmentCheckError(
      "enrolment.chain_incomplete",
      "The certificate chain is too long (more than ten certificates) to be checked.",
    );
  }
  const where = organisationCas.length
    ? "its root certificate or your organisation's CA certificate"
    : "its root certificate";
  throw new EnrolmentCheckError(
    "enrolment.chain_incomplete",
    `The certificate chain is incomplete: the certificate of the CA that issued “${last.subject}” (“${last.issuer}”) is missing. Upload the complete chain from your CA, intermediate certificates included, up to ${where}.`,
  );
}
