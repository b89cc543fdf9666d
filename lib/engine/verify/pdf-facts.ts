/**
 * Everything the verifier needs from lib/pdf, read in one place: the embedded
 * signatures, the revisions, what changed in each later revision, and the newest
 * /DSS. This is the only file (with read-dss.ts) that knows lib/pdf's API, so a
 * change there is absorbed here.
 *
 * Unreadable files throw lib/pdf's typed errors (NotAPdfError, PdfDamagedError,
 * PdfEncryptedError, PdfLimitExceededError); anything else thrown while reading
 * the structure is turned into a PdfDamagedError, so callers only ever see
 * SignetErrors.
 */
import { isSignetError } from "@/lib/engine/errors";
import { analyseChangesAfter, analyseChangesOf, type RevisionChanges } from "@/lib/engine/pdf/change-analysis";
import { PdfDamagedError, PdfLimitExceededError } from "@/lib/engine/pdf/pdf-errors";
import { PDF_LIMITS, type PdfLimits } from "@/lib/engine/pdf/limits";
import { PdfFile } from "@/lib/engine/pdf/pdf-file";
import { readSignaturesOf, type EmbeddedSignature } from "@/lib/engine/pdf/read-signatures";
import { revisionsOf } from "@/lib/engine/pdf/revisions";
import { countNonWhiteSpace } from "@/lib/engine/verify/byte-range-check";
import { readDss, type DssContents } from "@/lib/engine/verify/ltv/read-dss";

export interface PdfFacts {
  signatures: EmbeddedSignature[];
  /** End offset of each revision (index = revision number). */
  revisionEnds: number[];
  /** Non-white bytes after the end of the last revision. */
  trailingBytes: number;
  /**
   * What each revision after the first changed (revision 0 has no entry). Lazy: it
   * costs another pass over the file, and a file whose signatures all seal its last
   * revision does not need it.
   */
  revisionChanges(): Map<number, RevisionChanges>;
  /** The newest /DSS, when the catalog has one. */
  dss?: DssContents;
}

/** Files with more signatures than this are refused (each one hashes most of the file): PDF_LIMITS.maxSignatures. */
export const MAX_SIGNATURES = PDF_LIMITS.maxSignatures;

export function readPdfFacts(pdf: Uint8Array, limits?: Partial<PdfLimits>): PdfFacts {
  return typed(() => {
    const file = PdfFile.open(pdf, limits);
    const { signatures, revisionEnds, dss } = structureOf(file);
    let changes: Map<number, RevisionChanges> | undefined;
    const revisionChanges = () =>
      (changes ??= typed(() => {
        // One analysis from offset 0 classifies every revision after the first; each
        // signature then looks at the revisions after its own.
        const analysis = analyseChangesAfter(pdf, 0, limits);
        return new Map(analysis.revisions.map((r) => [r.index, r]));
      }));
    const trailingBytes = countNonWhiteSpace(pdf, revisionEnds[revisionEnds.length - 1] ?? 0, pdf.length);
    return { signatures, revisionEnds, trailingBytes, revisionChanges, dss };
  });
}

/** What the verifier reads of a file's structure (the change analysis aside). */
function structureOf(file: PdfFile): { signatures: EmbeddedSignature[]; revisionEnds: number[]; dss?: DssContents } {
  const signatures = readSignaturesOf(file);
  if (signatures.length > file.budget.limits.maxSignatures) throw new PdfLimitExceededError("signatures");
  return { signatures, revisionEnds: revisionsOf(file).map((r) => r.end), dss: readDss(file) };
}

/**
 * The seal path's half of SECURITY.md invariant 19: reads, within `file`'s budget (opened with
 * sealingLimits), everything this verifier reads of the file once sealed — the signatures,
 * revisions and DSS, and the change analysis of every revision, which a seal makes the verifier
 * run on any earlier signature. Sealing only appends a small update within SEAL_RESERVE, so a
 * file that passes is one the verifier reads within PDF_LIMITS once sealed. Throws lib/pdf's
 * typed errors (PdfLimitExceededError "signatures" when one more would be too many).
 */
export function checkVerifiable(file: PdfFile): void {
  typed(() => {
    structureOf(file);
    analyseChangesOf(file, 0);
  });
}

function typed<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isSignetError(error)) throw error;
    throw new PdfDamagedError(`unexpected failure while reading the PDF structure: ${String(error)}`, { cause: error });
  }
}
