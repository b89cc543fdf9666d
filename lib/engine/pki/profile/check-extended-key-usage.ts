import type { Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import { CertificateProfileError } from "@/lib/engine/pki/profile/profile-errors";

/**
 * The extended key usage is absent, or includes emailProtection: poppler/NSS
 * checks signers for S/MIME signing and reports a certificate whose EKU lacks
 * emailProtection (e.g. documentSigning alone) as "Unknown issue with Certificate".
 * documentSigning together with emailProtection is fine.
 */
export function checkExtendedKeyUsage(certificate: Certificate): void {
  const eku = certificate.extendedKeyUsage;
  if (eku === undefined || eku.includes(OID.emailProtection)) return;
  throw new CertificateProfileError(
    "certificate.extended_key_usage",
    "The certificate's extended key usage does not include emailProtection; PDF readers that use NSS (poppler, Firefox) reject such signers. Ask for a certificate without extended key usage, or with emailProtection (documentSigning may be added).",
  );
}
