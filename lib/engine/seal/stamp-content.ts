import type { SealStampContent } from "@/lib/engine/pdf/seal-stamp";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { commonName, nameAttributes } from "@/lib/engine/pki/distinguished-name";
import { readElement } from "@/lib/engine/asn1/der";
import { formatFingerprint } from "@/lib/engine/pki/fingerprint";

/** What the caller may say about the signer; anything left out comes from the certificate. */
export type SignerDetails = {
  name?: string;
  organisation?: string;
  licence?: string;
  jurisdiction?: string;
  image?: SealStampContent["image"];
  verifyUrl?: string;
};

/** The short fingerprint a stamp shows: the first 8 bytes of the certificate's SHA-256. */
export function shortFingerprint(certificate: Certificate): string {
  return formatFingerprint(certificate.fingerprintSha256, { bytes: 8 });
}

export function stampContentFor(certificate: Certificate, details: SignerDetails, sealedAt: Date): SealStampContent {
  const organisation = nameAttributes(readElement(certificate.subjectDer)).findLast((a) => a.shortName === "O")?.value;
  return {
    signerName: details.name ?? commonName(certificate.subjectDer) ?? certificate.subject,
    organisation: details.organisation ?? organisation,
    licence: details.licence,
    jurisdiction: details.jurisdiction,
    sealedAt,
    fingerprint: shortFingerprint(certificate),
    image: details.image,
    verifyUrl: details.verifyUrl,
  };
}
