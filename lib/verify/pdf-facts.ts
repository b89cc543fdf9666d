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
import { isSignetError } from "@/lib/errors";
import { analyseChangesAfter, type RevisionChanges } from "@/lib/pdf/change-analysis";
import { PdfDamagedError } from "@/lib/pdf/errors";
import type { PdfLimits } from "@/lib/pdf/limits";
import { PdfFile } from "@/lib/pdf/pdf-file";
import { readSignaturesOf, type EmbeddedSignature } from "@/lib/pdf/read-signatures";
import { revisionsOf } from "@/lib/pdf/revisions";
import { countNonWhiteSpace } from "./byte-range-check";
import { readDss, type DssContents } from "./ltv/read-dss";

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

/** Files with more signatures than this are refused (each one hashes most of the file). */
export const MAX_SIGNATURES = 200;

export function readPdfFacts(pdf: Uint8Array, limits?: Partial<PdfLimits>): PdfFacts {
  return typed(() => {
    const file = PdfFile.open(pdf, limits);
    const signatures = readSignaturesOf(file);
    const revisionEnds = revisionsOf(file).map((r) => r.end);
    const dss = readDss(file);
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

function typed<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isSignetError(error)) throw error;
    throw new PdfDamagedError(`unexpected failure while reading the PDF structure: ${String(error)}`, { cause: error });
  }
}
