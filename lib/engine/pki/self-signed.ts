/** Self-signed: subject equals issuer and the certificate's own key verifies its signature. */
import { bytesEqual } from "@/lib/engine/asn1/der";
import { x509Of, type Certificate } from "@/lib/engine/pki/certificate";
import { publicKeyFromSpki } from "@/lib/engine/crypto/key-algorithm";

export function isSelfSigned(certificate: Certificate): boolean {
  if (!bytesEqual(certificate.subjectDer, certificate.issuerDer)) return false;
  return issuedBy(certificate, certificate);
}

/** `issuer`'s name is the certificate's issuer and its key verifies the certificate's signature. */
export function issuedBy(certificate: Certificate, issuer: Certificate): boolean {
  if (!bytesEqual(certificate.issuerDer, issuer.subjectDer)) return false;
  try {
    return x509Of(certificate).verify(publicKeyFromSpki(issuer.spki));
  } catch {
    return false;
  }
}
