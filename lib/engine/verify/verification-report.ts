/**
 * The verification report: plain JSON data (strings, numbers, booleans, arrays,
 * objects; times as ISO 8601 strings) that the CLI, the public verification page
 * and the API all render. Nothing here is a class or a Date, so
 * `JSON.parse(JSON.stringify(report))` gives back an equal object.
 */
import type { SignetRecord } from "@/lib/engine/verify/signet-record";

/** The outcome of one signature, in the words of ETSI EN 319 102-1. */
export type Verdict = "valid" | "invalid" | "indeterminate";

export type SignatureKind = "signature" | "document-timestamp";

/** "not-checked": no trust anchors were given, so trust was not evaluated. */
export type TrustStatus = "trusted" | "untrusted" | "self-signed" | "not-checked";

export type PadesLevel = "B-B" | "B-T" | "B-LT" | "B-LTA" | "not PAdES";

export interface CertificateReport {
  subject: string;
  issuer: string;
  serialNumberHex: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, lowercase hex. */
  fingerprintSha256: string;
  /** "RSA 2048", "ECDSA P-256", … */
  keyAlgorithm: string;
  selfSigned: boolean;
}

export interface ByteRangeReport {
  /** /ByteRange as written, when it is an array of integers. */
  value?: number[];
  /** Starts at 0, two ranges, the gap is exactly the /Contents hex string, within the file, no overlap. */
  sane: boolean;
  problems: string[];
  /** Offset just past the last signed byte (c + d). */
  coveredUntil?: number;
  /** The signed bytes reach the end of the file. */
  coversWholeFile: boolean;
  /** The revision (0 = original document) whose end the byte range reaches; absent when it ends elsewhere. */
  revision?: number;
}

export interface IntegrityReport {
  /** False when the check could not be made (malformed byte range, unreadable signature data). */
  checked: boolean;
  /** "SHA-256", …, or the OID of an unsupported digest algorithm. */
  digestAlgorithm?: string;
  /** Signatures: the message-digest attribute matches the signed bytes. Document timestamps: the message imprint does. */
  digestMatches: boolean;
  /** The CMS signature (or the TSA's signature on a document timestamp) verifies with the certificate. */
  signatureValid: boolean;
  /** OID of the signature algorithm. */
  signatureAlgorithm?: string;
  /** Both of the above. */
  intact: boolean;
}

export interface ChainReport {
  trust: TrustStatus;
  /** From the signer's certificate up to the last certificate found (the trust anchor when trusted). */
  certificates: CertificateReport[];
  problems: string[];
}

export interface TimestampInfo {
  valid: boolean;
  /** The time the timestamp authority vouches for. */
  time?: string;
  tsa?: CertificateReport;
  trust: TrustStatus;
  imprintMatches: boolean;
  signatureValid: boolean;
  problems: string[];
}

export type LaterRevisionContent = "signature" | "document-timestamp" | "dss";

export interface LaterRevisionReport {
  index: number;
  end: number;
  /** What the revision brings that is legitimate after a signature. */
  contents: LaterRevisionContent[];
  /** Only changes that later signatures, DSS or document timestamps make, and at least one of those. */
  allowed: boolean;
  /** Why it is not allowed, when it is not. */
  problem?: string;
  changes: Array<{ object: number; change: "added" | "changed" | "deleted"; category: string; allowed: boolean }>;
}

export interface ChangesAfterReport {
  /**
   * "none": the signature covers the file to its end.
   * "signature-updates-only": only later signatures, DSS and document timestamps were appended.
   * "modified": anything else (an unsigned incremental update, disallowed changes, appended bytes).
   */
  status: "none" | "signature-updates-only" | "modified";
  laterRevisions: LaterRevisionReport[];
  /** Bytes appended without a proper incremental update (after the last revision: those other than white space; inside the signature's own revision: from the first unsigned non-white byte to the revision's end). */
  appendedBytes: number;
  /** One sentence for people. */
  description: string;
}

export interface RevocationCoverage {
  /** Subject of the certificate the data is about. */
  subject: string;
  source?: "ocsp" | "crl";
  /** What the data says; "missing" when the DSS holds nothing for this certificate. */
  status: "good" | "revoked" | "unknown" | "missing";
  revocationTime?: string;
}

export interface LtvReport {
  /** Index of the first revision after the signature that adds or changes the /DSS. */
  dssRevision?: number;
  /** The DSS holds every certificate of the chain and revocation data for each non-anchor certificate. */
  complete: boolean;
  revocation: RevocationCoverage[];
  /** Revocation data is matched to certificates; its own signatures are not checked. */
  problems: string[];
}

export interface PadesReport {
  level: PadesLevel;
  problems: string[];
  ltv?: LtvReport;
}

export interface SignatureReport {
  /** Position in signing order (by where the byte range ends), from 0. */
  index: number;
  fieldName: string;
  kind: SignatureKind;
  filter?: string;
  subFilter?: string;
  verdict: Verdict;
  /** One line in plain words, e.g. "The document was changed after it was sealed." */
  reason: string;
  /** /M as the PDF states it (not proof of anything). */
  claimedSigningTime?: string;
  signerName?: string;
  signingReason?: string;
  location?: string;
  contactInfo?: string;
  byteRange: ByteRangeReport;
  integrity: IntegrityReport;
  /** The signer's certificate (the TSA's, for a document timestamp). */
  signer?: CertificateReport;
  chain: ChainReport;
  /** The time validity is judged at: the timestamp's, else /M, else the verification time. */
  signingTime: { time?: string; source: "timestamp" | "claimed" | "verification-time" | "none" };
  certificateValidAtSigningTime?: boolean;
  /** CMS signed attributes (signatures only). */
  attributes?: {
    contentType: "id-data" | "other" | "absent";
    signingCertificateV2: "match" | "mismatch" | "absent";
    signingTime: boolean;
    signingTimeValue?: string;
  };
  /** The signature timestamp (B-T), or the document timestamp token itself. */
  timestamp?: TimestampInfo;
  changesAfter: ChangesAfterReport;
  /** Signatures only: a document timestamp has no PAdES level of its own. */
  pades?: PadesReport;
  /** Everything found wrong or noteworthy, for a details view. */
  problems: string[];
  /** What Signet's own records say about this seal, when a lookup was given. */
  signet?: SignetRecord;
}

export interface DocumentSummary {
  signatureCount: number;
  documentTimestampCount: number;
  /** There is at least one signature and every signature and document timestamp is valid. */
  allValid: boolean;
  /** Something other than a later signature, DSS or document timestamp was appended after the last signature. */
  modifiedAfterLastSignature: boolean;
  verdict: Verdict;
  reason: string;
  /** The CLI's exit code: 0 when all is valid (see allValid), 1 otherwise. 2 is for unreadable files, which give no report. */
  exitCode: 0 | 1;
}

export interface VerificationReport {
  reportVersion: 1;
  verifiedAt: string;
  fileSize: number;
  revisionCount: number;
  trustAnchorsGiven: boolean;
  summary: DocumentSummary;
  /** In signing order. */
  signatures: SignatureReport[];
}
