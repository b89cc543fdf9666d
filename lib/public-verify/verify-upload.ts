import type { Db } from "@/lib/db/client";
import { isSignetError } from "@/lib/engine/errors";
import { PDF_LIMITS, type PdfLimits } from "@/lib/engine/pdf";
import { unreadableMessage } from "@/lib/engine/verify";
import type { VerificationReport } from "@/lib/engine/verify";
import type { SignetRecord } from "@/lib/engine/verify";
import { VerificationError } from "@/lib/engine/verify";
import { readSettings } from "@/lib/config/settings";
import {
  sharedVerificationPool,
  verifyIsolated,
  type IsolatedVerifyResult,
  type VerificationPool,
} from "@/lib/public-verify/isolated-verify";
import { applySignetRecords } from "@/lib/public-verify/apply-signet-records";
import { VerifyUnreadableError } from "@/lib/public-verify/public-verify-errors";
import { signetLookup } from "@/lib/public-verify/signet-lookup";
import { loadSignetTrust } from "@/lib/public-verify/signet-trust";

/** lib/pdf's one set of limits, which the seal path also reads with: what Signet seals, it verifies (SECURITY.md invariant 19). */
export const PUBLIC_VERIFY_LIMITS: Partial<PdfLimits> = PDF_LIMITS;

const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/**
 * Verifies a PDF a recipient handed over, in memory and in a worker thread (isolated-verify.ts,
 * so a hostile file cannot stall or crash the server): lib/verify's report against Signet's
 * trust (organisations' CA chains, Signet's testing certificates) with Signet's records of
 * each seal, and their verdicts folded in (applySignetRecords). Nothing of the file is
 * written anywhere: not the bytes, not their hash, not a log line with its content.
 *
 * Throws VerifyUnreadableError (not a PDF, damaged, encrypted, over a limit) with a message
 * for the recipient; a bad signature is a verdict, not an error.
 */
export async function verifyUpload(
  db: Db,
  pdf: Uint8Array,
  options: {
    publicUrl: string;
    now?: Date;
    limits?: Partial<PdfLimits>;
    pool?: VerificationPool;
    handOverPdf?: boolean;
  },
): Promise<VerificationReport> {
  if (!startsWithPdfHeader(pdf))
    throw new VerifyUnreadableError("pdf.not_pdf", "This file is not a PDF document (a PDF starts with %PDF-).");
  const trust = await loadSignetTrust(db);
  const now = options.now ?? new Date();
  let verified: IsolatedVerifyResult;
  try {
    verified = await verifyIsolated(
      {
        pdf,
        trustAnchors: trust.anchors.map((c) => c.der),
        now: now.toISOString(),
        limits: { ...PUBLIC_VERIFY_LIMITS, ...options.limits },
      },
      options.pool ?? sharedVerificationPool(readSettings().verifyWorkers),
      { handOverPdf: options.handOverPdf },
    );
  } catch (error) {
    if (isSignetError(error) && error.code.startsWith("pdf."))
      throw new VerifyUnreadableError(error.code, unreadableMessage(error), { cause: error });
    throw error;
  }
  const { report, queries } = verified;
  const lookup = signetLookup(db, { trust, publicUrl: options.publicUrl, now });
  for (const [index, query] of queries.entries()) {
    const signature = report.signatures[index];
    if (signature === undefined || signature.fieldName !== query.fieldName)
      throw new VerificationError("The verification worker's answer does not match its report.");
    const record = await lookup(query);
    if (record !== undefined) signature.signet = JSON.parse(JSON.stringify(record)) as SignetRecord;
  }
  return applySignetRecords(report);
}

/** The sniff of invariant 14: a PDF starts with %PDF- (leading white space tolerated, as readers do). */
export function startsWithPdfHeader(bytes: Uint8Array): boolean {
  let start = 0;
  while (
    start < bytes.length &&
    start < 16 &&
    (bytes[start] === 0x20 ||
      bytes[start] === 0x0a ||
      bytes[start] === 0x0d ||
      bytes[start] === 0x09 ||
      bytes[start] === 0x0c)
  )
    start++;
  return PDF_HEADER.every((byte, i) => bytes[start + i] === byte);
}
