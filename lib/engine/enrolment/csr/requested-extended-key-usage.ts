/**
 * The extended key usage a CSR may ask for. Absent is the default and the safest
 * choice; when present it must include emailProtection, because poppler/NSS checks
 * PDF signers for S/MIME signing use and reports a certificate whose EKU lacks it
 * (documentSigning alone, for instance) as "Unknown issue with Certificate".
 */
import { OID } from "@/lib/engine/asn1/oids";
import { CsrError } from "@/lib/engine/enrolment/enrolment-errors";

export const EXTENDED_KEY_USAGE_PURPOSES = {
  emailProtection: OID.emailProtection,
  /** id-kp-documentSigning (RFC 9336). */
  documentSigning: OID.documentSigningKp,
} as const;

export type ExtendedKeyUsagePurpose = keyof typeof EXTENDED_KEY_USAGE_PURPOSES;

/** The OIDs to request, emailProtection first; throws CsrError 'csr.invalid_extended_key_usage'. */
export function extendedKeyUsageOids(purposes: readonly ExtendedKeyUsagePurpose[]): string[] {
  const unknown = purposes.find((p) => !Object.hasOwn(EXTENDED_KEY_USAGE_PURPOSES, p));
  if (unknown !== undefined) {
    throw new CsrError(
      "csr.invalid_extended_key_usage",
      `"${String(unknown)}" is not an extended key usage Signet can request; use emailProtection, optionally with documentSigning.`,
    );
  }
  if (!purposes.includes("emailProtection")) {
    throw new CsrError(
      "csr.invalid_extended_key_usage",
      "An extended key usage without emailProtection (documentSigning alone, for instance) is refused by poppler and other NSS-based PDF readers. Request no extended key usage, or include emailProtection.",
    );
  }
  const ordered = (["emailProtection", "documentSigning"] as const).filter((p) => purposes.includes(p));
  return ordered.map((p) => EXTENDED_KEY_USAGE_PURPOSES[p]);
}
