/**
 * Test-only: finds the signatures of a signed PDF with regular expressions
 * (/ByteRange, the /Contents hex in the gap, /M and /SubFilter near them).
 * The real PDF reader is lib/pdf; this only feeds CMS tests with real files.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";

export interface PdfSignatureForTest {
  byteRange: [number, number, number, number];
  /** DER from /Contents, trailing zero padding removed. */
  cms: Uint8Array;
  subFilter?: string;
  claimedSigningTime?: Date;
  /** Digest of the bytes the byte range covers. */
  digest(hash: HashAlgorithm): Uint8Array;
  coversWholeFile: boolean;
}

export function signaturesOfPdf(pathOrBytes: string | Uint8Array): PdfSignatureForTest[] {
  const pdf = typeof pathOrBytes === "string" ? new Uint8Array(readFileSync(pathOrBytes)) : pathOrBytes;
  const text = Buffer.from(pdf).toString("latin1");
  const out: PdfSignatureForTest[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, d] = m.slice(1, 5).map(Number) as [number, number, number, number];
    const hex = text.slice(a + b, c).replace(/[<>\s]/g, "");
    const cms = trimZeros(new Uint8Array(Buffer.from(hex, "hex")));
    const around = text.slice(Math.max(0, a + b - 2000), a + b) + text.slice(c, c + 2000);
    const subFilter = /\/SubFilter\s*\/([A-Za-z0-9.]+)/.exec(around)?.[1];
    const time = /\/M\s*\(D(?::|\\072)(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(around);
    out.push({
      byteRange: [a, b, c, d],
      cms,
      subFilter,
      claimedSigningTime: time
        ? new Date(Date.UTC(+time[1]!, +time[2]! - 1, +time[3]!, +time[4]!, +time[5]!, +time[6]!))
        : undefined,
      digest: (hash) =>
        new Uint8Array(
          createHash(hash.replace("-", "").toLowerCase())
            .update(pdf.subarray(a, a + b))
            .update(pdf.subarray(c, c + d))
            .digest(),
        ),
      coversWholeFile: c + d === pdf.length,
    });
  }
  return out;
}

function trimZeros(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  // keep DER intact if it legitimately ends in zero bytes: the CMS parser tolerates zero padding anyway
  return bytes.subarray(0, Math.min(bytes.length, end + 2));
}

/** A copy of the PDF with a signature's /Contents replaced by `cms` (zero-padded). Throws if it does not fit. */
export function withContents(pdf: Uint8Array, signature: PdfSignatureForTest, cms: Uint8Array): Uint8Array {
  const [a, b, c] = signature.byteRange;
  const start = a + b + 1;
  const room = c - 1 - start;
  const hex = Buffer.from(cms).toString("hex");
  if (hex.length > room) throw new Error(`CMS of ${cms.length} bytes does not fit in ${room / 2} bytes`);
  const out = pdf.slice();
  out.set(new TextEncoder().encode(hex.padEnd(room, "0")), start);
  return out;
}
