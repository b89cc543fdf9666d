/**
 * Upper bound of the DER size of the CMS that createPadesSignature will produce,
 * for sizing the PDF /Contents placeholder before any (remote) signing call.
 *
 * The B-B part is computed by assembling the real structure with a signature of
 * maximal length, so it is exact up to the few bytes an ECDSA signature can be
 * shorter. A timestamp token cannot be known before the TSA answers: it is the
 * TSTInfo (~100-150 B), the TSA's signed attributes and signature (~0.5-1 KB) and
 * whatever certificates the TSA includes (often its whole chain, 1-2 KB each).
 * Tokens measured: 2.5-5 KB (openssl ts with one CA: ~2.2 KB). The default
 * allowance is 8 KB; pass `timestampTokenSize` once a token of this TSA has been
 * seen (e.g. on the retry after an overflow).
 */
import type { HashAlgorithm, KeyAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digestLength } from "@/lib/engine/crypto/hash";
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import { attribute, buildSignedAttributes } from "@/lib/engine/cms/signed-attributes";
import { assembleSignedData } from "@/lib/engine/cms/signed-data";
import { signatureAlgorithmIdentifier } from "@/lib/engine/cms/signature-algorithm";

export const DEFAULT_TIMESTAMP_TOKEN_ALLOWANCE = 8192;

export interface SignatureSizeQuery {
  /** Signer certificate first, then the chain that will be embedded. */
  certificates: readonly (Uint8Array | Certificate)[];
  keyAlgorithm: KeyAlgorithm;
  withTimestamp: boolean;
  hash?: HashAlgorithm;
  /** Upper bound for the timestamp token, when known. */
  timestampTokenSize?: number;
}

export function estimateSignatureSize(query: SignatureSizeQuery): number {
  const hash = query.hash ?? "SHA-256";
  const [first, ...chain] = query.certificates.map((c) => (c instanceof Uint8Array ? parseCertificate(c) : c));
  if (!first) throw new RangeError("estimateSignatureSize needs at least the signer certificate.");
  const attributes = buildSignedAttributes({ contentDigest: new Uint8Array(digestLength(hash)), signer: first, hash });
  const tokenSize = query.timestampTokenSize ?? DEFAULT_TIMESTAMP_TOKEN_ALLOWANCE;
  return assembleSignedData({
    hash,
    signer: first,
    certificates: chain.map((c) => c.der),
    signedAttributes: attributes.embeddedBytes,
    signatureAlgorithm: signatureAlgorithmIdentifier(query.keyAlgorithm, hash),
    signature: new Uint8Array(maxSignatureLength(query.keyAlgorithm)),
    // A placeholder token of the allowed size gives the exact framing overhead.
    unsignedAttributes: query.withTimestamp
      ? [attribute(OID.signatureTimeStampToken, placeholderToken(tokenSize))]
      : [],
  }).length;
}

export function maxSignatureLength(key: KeyAlgorithm): number {
  if (key.kind === "RSA") return Math.ceil(key.modulusBits / 8);
  const n = key.curve === "P-256" ? 32 : key.curve === "P-384" ? 48 : 66;
  const content = 2 * (2 + n + 1); // two INTEGERs with a possible leading zero
  return content + (content < 128 ? 2 : 3);
}

/** A DER SEQUENCE header + zero content of `size` bytes (or one more when no length encoding fits). */
function placeholderToken(size: number): Uint8Array {
  const total = Math.max(size, 4);
  for (const header of [2, 3, 4, 5]) {
    const content = total - header;
    const needed = content < 0x80 ? 2 : content < 0x100 ? 3 : content < 0x10000 ? 4 : 5;
    if (needed === header) {
      const out = new Uint8Array(total);
      out[0] = 0x30;
      if (header === 2) out[1] = content;
      else {
        out[1] = 0x80 | (header - 2);
        for (let i = 0; i < header - 2; i++) out[2 + i] = (content >> (8 * (header - 3 - i))) & 0xff;
      }
      return out;
    }
  }
  return placeholderToken(total + 1); // no header length fits exactly (e.g. 130 bytes): one more byte
}
