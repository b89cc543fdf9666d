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
  /** SHA-256 fingerprints of the certification path found, signer first (the anchor last when trusted). */
  chainSha256?: string[];
  /** The trust the path reached against the caller's anchors. */
  trust?: "trusted" | "untrusted" | "self-signed" | "not-checked";
  /** The time validity is judged at, and where it comes from (see SignatureReport.signingTime). */
  signingTime?: { time?: string; source: "timestamp" | "claimed" | "verification-time" | "none" };
}

/** A certificate's status as Signet's audit trail knows it, at one moment. */
export interface SignetCertificateStatus {
  status: "inactive" | "active" | "superseded" | "revoked" | "expired" | "not_yet_valid";
  /** When that status began (activation, rotation, revocation's effective time, expiry). */
  since?: string;
  /** RFC 5280 reason name, for a revocation. */
  revocationReason?: string;
}

/** How Signet knows the signer. */
export type SignetSignerRecognition =
  /** The signer's certificate is one Signet manages for an organisation. */
  | "signet-managed"
  /** The signer's certificate chains to a CA certificate an organisation uploaded with its own certificate. */
  | "organisation-ca"
  /** Neither: the signature is still checked for integrity. */
  | "unknown";

/** Plain JSON, like the rest of the report. */
export interface SignetRecord {
  /** The seal is in this Signet installation's records. */
  inRecords: boolean;
  sealId?: string;
  /** When the seal was made, by Signet's records (ISO 8601). */
  sealedAt?: string;
  /** The name of the member who sealed (never an e-mail address). */
  sealedBy?: string;
  /** The public page of the recorded seal. */
  verifyUrl?: string;
  recognition?: SignetSignerRecognition;
  /** The organisation(s) the signer's certificate or its CA belongs to. */
  organisations?: string[];
  /** A self-signed certificate enrolled under an organisation's testing policy. */
  testingCertificate?: boolean;
  /** Status at signing time (Signet's record of the seal, else the report's signing time) and now. */
  certificateStatusAtSigning?: SignetCertificateStatus;
  certificateStatusNow?: SignetCertificateStatus;
  /** The status now, in short (the first version of this record had only this). */
  certificateStatus?: "active" | "revoked" | "expired" | "unknown";
  /** One sentence for people. */
  note?: string;
}

export type SignetRecordLookup = (query: SignetRecordQuery) => Promise<SignetRecord | undefined>;
