/**
 * What the cryptographic checks of one signature (CMS) or document timestamp
 * (RFC 3161 token) found, before the PDF-level findings are added.
 */
import type { Certificate } from "@/lib/engine/pki/certificate";
import type {
  ChainReport,
  CertificateReport,
  IntegrityReport,
  SignatureReport,
  TimestampInfo,
} from "@/lib/engine/verify/verification-report";

export interface CryptoFindings {
  /** Why the signature data could not be checked: unreadable, an unsupported format or algorithm. */
  unreadable?: { unsupported: boolean; reason: string };
  integrity: IntegrityReport;
  /** The signer's (or TSA's) certificate is in the signature data. */
  signerFound: boolean;
  signer?: CertificateReport;
  chain: ChainReport;
  /** The certificates of `chain`, for the LTV check. */
  path: Certificate[];
  signingTime: SignatureReport["signingTime"];
  certificateValidAtSigningTime?: boolean;
  attributes?: SignatureReport["attributes"];
  timestamp?: TimestampInfo;
  /** What the CMS alone says (B-B, B-T or not PAdES); the DSS and document timestamps may raise it. */
  padesHint: "B-B" | "B-T" | "not PAdES";
  padesProblems: string[];
  problems: string[];
  /** SHA-256 (hex) of the DER in /Contents without its zero padding. */
  cmsSha256: string;
}

export function unreadableFindings(
  reason: string,
  options: { unsupported: boolean; cmsSha256: string; problems?: string[] },
): CryptoFindings {
  return {
    unreadable: { unsupported: options.unsupported, reason },
    integrity: { checked: false, digestMatches: false, signatureValid: false, intact: false },
    signerFound: false,
    chain: { trust: "untrusted", certificates: [], problems: [] },
    path: [],
    signingTime: { source: "none" },
    padesHint: "not PAdES",
    padesProblems: [],
    problems: [reason, ...(options.problems ?? [])],
    cmsSha256: options.cmsSha256,
  };
}
