/**
 * verifyPdf: every signature and document timestamp of a PDF, checked and
 * explained in a VerificationReport (see verification-report.ts).
 *
 * Steps: read the structure once (lib/pdf), check each byte range, put the
 * signatures in signing order, judge the revisions after each one, check the
 * cryptography (lib/cms, lib/tsa) over the byte ranges hashed in place, work out
 * PAdES levels from the DSS and document timestamps, then a verdict per signature
 * and one for the document.
 *
 * Throws only SignetErrors: lib/pdf's for files that cannot be read (not a PDF,
 * damaged, encrypted, over a limit), CertificateError for unusable trust anchors,
 * VerificationError for an internal failure. A bad signature is a verdict, not an error.
 */
import { isSignetError, SignetError } from "@/lib/engine/errors";
import type { PdfLimits } from "@/lib/engine/pdf/limits";
import type { EmbeddedSignature } from "@/lib/engine/pdf/read-signatures";
import { checkByteRange, type CheckedByteRange } from "@/lib/engine/verify/byte-range-check";
import { ByteRangeDigester } from "@/lib/engine/verify/byte-range-digester";
import { certificatesOf, type CertificateInput } from "@/lib/engine/verify/certificate-inputs";
import { isoTime } from "@/lib/engine/verify/certificate-report";
import { changesAfter, judgeLaterRevisions, type DocumentRevisions } from "@/lib/engine/verify/changes-after";
import { checkCmsSignature } from "@/lib/engine/verify/check-cms-signature";
import { checkDocumentTimestamp } from "@/lib/engine/verify/check-document-timestamp";
import type { CryptoFindings } from "@/lib/engine/verify/crypto-findings";
import { summarize } from "@/lib/engine/verify/document-summary";
import { parseValidationData } from "@/lib/engine/verify/ltv/validation-data";
import { padesLevel } from "@/lib/engine/verify/pades-level";
import { readPdfFacts } from "@/lib/engine/verify/pdf-facts";
import { signatureVerdict } from "@/lib/engine/verify/signature-verdict";
import type { SignetRecordLookup } from "@/lib/engine/verify/signet-record";
import type { VerificationContext } from "@/lib/engine/verify/verification-context";
import type { SignatureKind, SignatureReport, VerificationReport } from "@/lib/engine/verify/verification-report";

export interface VerifyOptions {
  /** Root (or other trusted) certificates. Without them trust is "not-checked". */
  trustAnchors?: readonly CertificateInput[];
  /** Extra intermediates for path building (the signature's own and the DSS's are always used). */
  intermediates?: readonly CertificateInput[];
  /** The verification time: used when a signature states no signing time. Default: now. */
  now?: Date;
  /** Fills `signet` on each signature (Signet's records: lib/public-verify). */
  signetLookup?: SignetRecordLookup;
  /** lib/pdf's parsing limits. */
  limits?: Partial<PdfLimits>;
}

interface Entry {
  signature: EmbeddedSignature;
  kind: SignatureKind;
  byteRange: CheckedByteRange;
}

export async function verifyPdf(pdf: Uint8Array, options: VerifyOptions = {}): Promise<VerificationReport> {
  try {
    return await verify(pdf, options);
  } catch (error) {
    if (isSignetError(error)) throw error;
    throw new VerificationError("The document could not be verified because of an internal error.", { cause: error });
  }
}

async function verify(pdf: Uint8Array, options: VerifyOptions): Promise<VerificationReport> {
  const now = options.now ?? new Date();
  const anchors = certificatesOf(options.trustAnchors);
  const facts = readPdfFacts(pdf, options.limits);
  const validationData = parseValidationData(facts.dss);
  const context: VerificationContext = {
    anchors,
    intermediates: [...certificatesOf(options.intermediates), ...validationData.certificates],
    now,
    digester: new ByteRangeDigester(pdf),
  };

  const entries = inSigningOrder(
    facts.signatures.map((signature) => ({
      signature,
      kind: kindOf(signature),
      byteRange: checkByteRange(signature, pdf, facts.revisionEnds),
    })),
  );
  const doc: DocumentRevisions = {
    bytes: pdf,
    revisionEnds: facts.revisionEnds,
    revisionChanges: followedByRevisions(entries, facts.revisionEnds) ? facts.revisionChanges() : new Map(),
    trailingBytes: facts.trailingBytes,
    sealed: entries.map((e) => ({ revision: e.byteRange.revision, kind: e.kind })),
  };
  const judged = judgeLaterRevisions(doc);

  const findings: CryptoFindings[] = [];
  for (const entry of entries) {
    const input = { contents: entry.signature.contents, range: entry.byteRange.usable };
    findings.push(
      entry.kind === "document-timestamp"
        ? checkDocumentTimestamp(input, context)
        : await checkCmsSignature(
            { ...input, subFilter: entry.signature.subFilter, claimedSigningTime: entry.signature.signingTime },
            context,
          ),
    );
  }
  const documentTimestamps = entries.flatMap((e, i) =>
    e.kind === "document-timestamp"
      ? [
          {
            revision: e.byteRange.revision,
            intact: e.byteRange.sane && (findings[i] as CryptoFindings).integrity.intact,
          },
        ]
      : [],
  );

  const signatures: SignatureReport[] = [];
  for (const [index, entry] of entries.entries()) {
    const found = findings[index] as CryptoFindings;
    const changes = changesAfter(doc, judged, entry.byteRange);
    const pades =
      entry.kind === "signature"
        ? padesLevel({
            hint: found.padesHint,
            padesProblems: found.padesProblems,
            laterRevisions: changes.laterRevisions,
            path: found.path,
            validationData,
            anchors,
            documentTimestamps,
          })
        : undefined;
    const { verdict, reason } = signatureVerdict({
      kind: entry.kind,
      byteRange: entry.byteRange,
      findings: found,
      changesAfter: changes,
      pades,
      anchorsGiven: anchors.length > 0,
    });
    const { usable: _usable, ...byteRange } = entry.byteRange;
    const s = entry.signature;
    const report: SignatureReport = {
      index,
      fieldName: s.fieldName,
      kind: entry.kind,
      filter: s.filter,
      subFilter: s.subFilter,
      verdict,
      reason,
      claimedSigningTime: isoTime(s.signingTime),
      signerName: s.name,
      signingReason: s.reason,
      location: s.location,
      contactInfo: s.contactInfo,
      byteRange,
      integrity: found.integrity,
      signer: found.signer,
      chain: found.chain,
      signingTime: found.signingTime,
      certificateValidAtSigningTime: found.certificateValidAtSigningTime,
      attributes: found.attributes,
      timestamp: found.timestamp,
      changesAfter: changes,
      pades,
      problems: [
        ...byteRange.problems,
        ...found.problems,
        ...(changes.status === "modified" ? [changes.description] : []),
      ],
    };
    if (options.signetLookup) {
      report.signet = await options.signetLookup({
        fieldName: s.fieldName,
        kind: entry.kind,
        cmsSha256: found.cmsSha256,
        signerFingerprintSha256: found.signer?.fingerprintSha256,
        claimedSigningTime: report.claimedSigningTime,
        chainSha256: found.chain.certificates.map((c) => c.fingerprintSha256),
        trust: found.chain.trust,
        signingTime: found.signingTime,
      });
    }
    signatures.push(withoutUndefined(report));
  }

  return {
    reportVersion: 1,
    verifiedAt: now.toISOString(),
    fileSize: pdf.length,
    revisionCount: facts.revisionEnds.length,
    trustAnchorsGiven: anchors.length > 0,
    summary: summarize(signatures, anchors.length > 0),
    signatures,
  };
}

/** Does any signature have revisions after its own (so that the later revisions must be analysed)? */
function followedByRevisions(entries: readonly Entry[], revisionEnds: readonly number[]): boolean {
  const last = revisionEnds.length - 1;
  return entries.some((e) =>
    e.byteRange.revision !== undefined
      ? e.byteRange.revision < last
      : e.byteRange.coveredUntil !== undefined && e.byteRange.coveredUntil < (revisionEnds[last] ?? 0),
  );
}

function kindOf(signature: EmbeddedSignature): SignatureKind {
  return signature.type === "DocTimeStamp" || signature.subFilter === "ETSI.RFC3161"
    ? "document-timestamp"
    : "signature";
}

/** By where the signed bytes end; signatures without a usable byte range last, in /AcroForm order. */
function inSigningOrder(entries: Entry[]): Entry[] {
  const end = (e: Entry) => e.byteRange.coveredUntil ?? Number.POSITIVE_INFINITY;
  return entries
    .map((entry, position) => ({ entry, position }))
    .sort((x, y) => end(x.entry) - end(y.entry) || x.position - y.position)
    .map((x) => x.entry);
}

/** Drops keys whose value is undefined, so the object equals its JSON round trip. */
function withoutUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Verification stopped for a reason that is not the file's structure (those are
 * lib/pdf's errors): an internal failure, reported as a typed error instead of a crash.
 */
export class VerificationError extends SignetError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("verify.failed", message, { status: 500, cause: options.cause });
  }
}
