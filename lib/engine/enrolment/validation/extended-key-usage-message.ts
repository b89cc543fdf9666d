import type { Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";

/**
 * The most common wrong EKU is documentSigning alone (what a "document signing"
 * product of a CA often carries): lib/pki's message is general, this one names it.
 * Undefined when the general message fits.
 */
export function documentSigningOnlyMessage(certificate: Certificate): string | undefined {
  const eku = certificate.extendedKeyUsage;
  if (!eku || eku.includes(OID.emailProtection)) return undefined;
  if (!eku.includes(OID.documentSigningKp) && !eku.includes(OID.documentSigning)) return undefined;
  return "The certificate's extended key usage is documentSigning without emailProtection: poppler and other NSS-based PDF readers refuse such a signer (they report “Unknown issue with Certificate”). Ask your CA for a certificate without extended key usage, or with emailProtection added (documentSigning may stay).";
}
