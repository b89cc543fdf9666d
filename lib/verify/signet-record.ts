/**
 * Room for "is this seal in Signet's records" and "certificate status from the
 * audit trail" (a later issue). verifyPdf calls an injected lookup, when given,
 * once per signature and puts its answer in `SignatureReport.signet`; nothing in
 * lib/verify knows where the records live.
 */

/** What the verifier can tell the lookup about one signature. */
export interface SignetRecordQuery {
  fieldName: string;
  kind: "signature" | "document-timestamp";
  /** SHA-256 (hex) of the DER signature data in /Contents, zero padding removed (the whole /Contents for a BER-encoded signature). */
  cmsSha256: string;
  signerFingerprintSha256?: string;
  claimedSigningTime?: string;
}

/** Plain JSON, like the rest of the report. The later issue may add fields. */
export interface SignetRecord {
  /** The seal is in this Signet installation's records. */
  inRecords: boolean;
  sealId?: string;
  /** Certificate status as the audit trail knows it. */
  certificateStatus?: "active" | "revoked" | "expired" | "unknown";
  note?: string;
}

export type SignetRecordLookup = (query: SignetRecordQuery) => Promise<SignetRecord | undefined>;
