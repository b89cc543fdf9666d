import { PdfLimitExceededError } from "./errors";

/** Hard limits applied while reading an untrusted PDF. */
export interface PdfLimits {
  /** Maximum nesting of arrays/dictionaries inside one object. */
  maxDepth: number;
  /** Maximum number of objects the cross-reference sections may declare. */
  maxObjects: number;
  /** Maximum number of bytes inflated in total (xref streams and object streams only). */
  maxDecompressedBytes: number;
  /** Wall-clock budget for one operation, in milliseconds. */
  maxMilliseconds: number;
  /** Budget of parser steps (tokens, xref entries, tree nodes) for one operation. */
  maxOperations: number;
  /** Maximum length of the /Prev chain (number of cross-reference sections). */
  maxXrefSections: number;
}

export const DEFAULT_PDF_LIMITS: Readonly<PdfLimits> = Object.freeze({
  maxDepth: 64,
  maxObjects: 2_000_000,
  maxDecompressedBytes: 128 * 1024 * 1024,
  maxMilliseconds: 20_000,
  maxOperations: 200_000_000,
  maxXrefSections: 1_000,
});

export function resolveLimits(limits?: Partial<PdfLimits>): PdfLimits {
  return { ...DEFAULT_PDF_LIMITS, ...limits };
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
