/**
 * The DSS's DER parsed once per document: certificates (extra intermediates for
 * path building), OCSP single responses and CRLs. Entries that cannot be parsed
 * are skipped and noted.
 */
import { isSignetError } from "@/lib/engine/errors";
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import { parseCrl, type RevocationList } from "@/lib/engine/verify/ltv/crl";
import { parseOcspResponse, type OcspSingleResponse } from "@/lib/engine/verify/ltv/ocsp-response";
import type { DssContents } from "@/lib/engine/verify/ltv/read-dss";

export interface ValidationData {
  certificates: Certificate[];
  ocspResponses: OcspSingleResponse[];
  crls: RevocationList[];
  problems: string[];
}

export const NO_VALIDATION_DATA: ValidationData = Object.freeze({
  certificates: [],
  ocspResponses: [],
  crls: [],
  problems: [],
});

export function parseValidationData(dss: DssContents | undefined): ValidationData {
  if (dss === undefined) return NO_VALIDATION_DATA;
  const problems = [...dss.problems];
  const each = <T>(items: Uint8Array[], parse: (der: Uint8Array) => T, what: string): T[] => {
    const out: T[] = [];
    for (const der of items) {
      try {
        out.push(parse(der));
      } catch (error) {
        if (!isSignetError(error)) throw error;
        problems.push(`The DSS holds ${what} that cannot be read.`);
      }
    }
    return out;
  };
  return {
    certificates: each(dss.certs, parseCertificate, "a certificate"),
    ocspResponses: each(dss.ocsps, parseOcspResponse, "an OCSP response").flat(),
    crls: each(dss.crls, parseCrl, "a CRL"),
    problems,
  };
}
