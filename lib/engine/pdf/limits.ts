import { PdfLimitExceededError } from "@/lib/engine/pdf/pdf-errors";

/** Hard limits applied while reading an untrusted PDF. */
export interface PdfLimits {
  /** Maximum nesting of arrays/dictionaries inside one object. */
  maxDepth: number;
  /** Maximum number of objects the cross-reference sections may declare. */
  maxObjects: number;
  /** Maximum number of bytes inflated in total (xref streams, object streams, DSS entries). */
  maxDecompressedBytes: number;
  /** Wall-clock budget for one operation, in milliseconds. */
  maxMilliseconds: number;
  /** Budget of parser steps (tokens, xref entries, tree nodes) for one operation. */
  maxOperations: number;
  /** Maximum length of the /Prev chain (number of cross-reference sections). */
  maxXrefSections: number;
  /** Maximum number of signatures (and document timestamps) a verifier checks in one file. */
  maxSignatures: number;
}

/**
 * THE limits for reading an untrusted PDF, one definition for sealing and verifying alike
 * (SECURITY.md invariant 19): the upload inspection, the placement check and sealing read with
 * sealingLimits() (these, less what a seal adds), lib/verify, the public verification and the
 * CLI with these. So a file Signet agrees to seal is, once sealed, a file its verifier accepts.
 *
 * The structural limits (objects, nesting, inflated bytes, sections, signatures) decide; the
 * time budget is a backstop against a slow machine, set far above what a file within the
 * structural limits takes (a file at the object limit is read in about half a second here).
 * File size is not among them: uploads (SIGNET_MAX_UPLOAD_MB) and the public verification page
 * (SIGNET_VERIFY_MAX_MB) cap bytes on the wire, an operator's choice per endpoint; a sealed file
 * larger than the page takes is verified with `signet verify`, under these same limits.
 */
export const PDF_LIMITS: Readonly<PdfLimits> = Object.freeze({
  maxDepth: 64,
  maxObjects: 500_000,
  maxDecompressedBytes: 64 * 1024 * 1024,
  maxMilliseconds: 10_000,
  maxOperations: 200_000_000,
  maxXrefSections: 1_000,
  maxSignatures: 200,
});

/**
 * What one seal adds to a file, kept free by the seal path so the sealed file still fits the
 * limits it was checked against: a dozen or so cross-reference entries (signature, widget,
 * stamp, AcroForm, page, the new section's stream) with a wide margin, one section, one
 * signature, and the operations the verifier spends on them (the /Contents hex string most).
 */
export const SEAL_RESERVE = Object.freeze({ objects: 1_000, xrefSections: 10, signatures: 1, operations: 1_000_000 });

export function resolveLimits(limits?: Partial<PdfLimits>): PdfLimits {
  return { ...PDF_LIMITS, ...limits };
}

/** The limits of the seal path: the shared ones (with any test overrides) less SEAL_RESERVE. */
export function sealingLimits(limits?: Partial<PdfLimits>): PdfLimits {
  const shared = resolveLimits(limits);
  return {
    ...shared,
    maxObjects: Math.max(0, shared.maxObjects - SEAL_RESERVE.objects),
    maxXrefSections: Math.max(1, shared.maxXrefSections - SEAL_RESERVE.xrefSections),
    maxSignatures: Math.max(0, shared.maxSignatures - SEAL_RESERVE.signatures),
    maxOperations: Math.max(0, shared.maxOperations - SEAL_RESERVE.operations),
  };
}

/**
 * Counts work done on one document and stops it when a limit is reached.
 * The clock is only read every few thousand steps, so ticking is cheap.
 */
export class Budget {
  readonly limits: PdfLimits;
  private operations = 0;
  private decompressed = 0;
  private nextClockCheck = 0;
  private readonly deadline: number;

  constructor(limits: PdfLimits) {
    this.limits = limits;
    this.deadline = Date.now() + limits.maxMilliseconds;
  }

  tick(steps = 1): void {
    this.operations += steps;
    if (this.operations > this.limits.maxOperations) throw new PdfLimitExceededError("operations");
    if (this.operations < this.nextClockCheck) return;
    this.nextClockCheck = this.operations + 4096;
    if (Date.now() > this.deadline) throw new PdfLimitExceededError("time");
  }

  /** How many more bytes may still be inflated. */
  get decompressionAllowance(): number {
    return this.limits.maxDecompressedBytes - this.decompressed;
  }

  chargeDecompressed(bytes: number): void {
    this.decompressed += bytes;
    if (this.decompressed > this.limits.maxDecompressedBytes) throw new PdfLimitExceededError("decompressed-size");
  }
}
