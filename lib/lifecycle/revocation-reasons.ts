/** RFC 5280 §5.3.1 CRLReason codes an administrator may give (7 is unused, 8 is CRL-only). */
export const REVOCATION_REASONS = {
  0: "unspecified",
  1: "keyCompromise",
  2: "cACompromise",
  3: "affiliationChanged",
  4: "superseded",
  5: "cessationOfOperation",
  6: "certificateHold",
  9: "privilegeWithdrawn",
  10: "aACompromise",
} as const;

export type RevocationReasonCode = keyof typeof REVOCATION_REASONS;
export type RevocationReasonName = (typeof REVOCATION_REASONS)[RevocationReasonCode];

export const REVOCATION_REASON_LABELS: Record<RevocationReasonCode, string> = {
  0: "Unspecified",
  1: "Key compromise",
  2: "CA compromise",
  3: "Affiliation changed",
  4: "Superseded",
  5: "Cessation of operation",
  6: "Certificate hold",
  9: "Privilege withdrawn",
  10: "AA compromise",
};

export function isRevocationReasonCode(code: number): code is RevocationReasonCode {
  return Object.prototype.hasOwnProperty.call(REVOCATION_REASONS, code);
}

export function revocationReasonName(code: number): RevocationReasonName | "unknown" {
  return isRevocationReasonCode(code) ? REVOCATION_REASONS[code] : "unknown";
}
