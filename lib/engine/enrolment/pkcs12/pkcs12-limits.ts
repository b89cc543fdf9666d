/**
 * Limits checked before a PKCS#12 upload is decrypted. node-forge derives the
 * MAC key (and legacy 3DES/RC2 keys) in pure JavaScript on the calling thread:
 * measured here, about 1.5 s per 100,000 iterations of the SHA-256 MAC, so a
 * file claiming 2^31 iterations would hold the server for hours. Real files use
 * 2,000 (Windows), 2,048 (OpenSSL) or 10,000 (Java); 600,000 (OWASP's PBKDF2
 * figure) is the ceiling here.
 */
import { DerError, Tag, readChildren, type DerElement } from "@/lib/engine/asn1/der";
import { KeyError } from "@/lib/engine/crypto/key-errors";
import { Pkcs12ImportError } from "@/lib/engine/enrolment/enrolment-errors";
import { integerValue, readPfxOverview, type PfxOverview } from "@/lib/engine/enrolment/pkcs12/pfx-overview";

export const MAX_PKCS12_BYTES = 256 * 1024;
export const MAX_PKCS12_ITERATIONS = 600_000;

/** Throws Pkcs12ImportError (too large, excessive iterations) or KeyError 'pkcs12.unreadable'; returns what it read. */
export function checkPkcs12Limits(file: Uint8Array): PfxOverview {
  if (file.length > MAX_PKCS12_BYTES) {
    throw new Pkcs12ImportError(
      "pkcs12.too_large",
      `The file is too large for a PKCS#12 key and certificate (${file.length} bytes; at most ${MAX_PKCS12_BYTES}).`,
    );
  }
  let overview: PfxOverview;
  try {
    overview = readPfxOverview(file);
  } catch (cause) {
    if (!(cause instanceof DerError)) throw cause;
    throw new KeyError("pkcs12.unreadable", "The file is not a PKCS#12 (.p12/.pfx) file.", { cause });
  }
  const counts = [
    ...(overview.macIterations === undefined ? [] : [overview.macIterations]),
    ...overview.encryptionAlgorithms.flatMap(iterationCounts),
  ];
  const highest = Math.max(0, ...counts);
  if (highest > MAX_PKCS12_ITERATIONS) {
    throw new Pkcs12ImportError(
      "pkcs12.excessive_iterations",
      `The PKCS#12 file asks for ${Number.isFinite(highest) ? highest.toLocaleString("en") : "an absurd number of"} password iterations; Signet accepts at most ${MAX_PKCS12_ITERATIONS.toLocaleString("en")}. Export the file again with default settings.`,
    );
  }
  return overview;
}

/**
 * Iteration counts inside a password-based AlgorithmIdentifier: the INTEGER that
 * follows the salt OCTET STRING, in PKCS#12 PBE parameters and in PBES2's PBKDF2
 * parameters alike.
 */
export function iterationCounts(algorithm: DerElement, depth = 0): number[] {
  if (!algorithm.constructed || depth > 6) return [];
  const children = readChildren(algorithm);
  const counts: number[] = [];
  children.forEach((child, i) => {
    if (child.tag === Tag.INTEGER && children[i - 1]?.tag === Tag.OCTET_STRING) counts.push(integerValue(child));
    counts.push(...iterationCounts(child, depth + 1));
  });
  return counts;
}
