/**
 * What can be seen of a PKCS#12 PFX (RFC 7292) without its password: the MAC
 * iteration count, the password-based encryption algorithms in use, and the key
 * bags that sit in unencrypted contents (where OpenSSL, Windows and Java put
 * them, as shrouded PKCS#8). Bags inside encrypted contents stay out of sight
 * until decryption. BER files (indefinite lengths, chunked OCTET STRINGs) are
 * read too.
 */
import {
  DerError,
  Tag,
  concatBytes,
  decodeOid,
  expectTag,
  readChildren,
  readSingle,
  type DerElement,
} from "@/lib/engine/asn1/der";
import { OID } from "@/lib/engine/asn1/oids";
import { definiteLengths } from "@/lib/engine/verify/ber-to-der";

const ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
const KEY_BAG = "1.2.840.113549.1.12.10.1.1";
const SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const MAX_CONTENTS = 64;
const MAX_BAGS = 256;

export interface PfxKeyBag {
  /** EncryptedPrivateKeyInfo (shrouded) or PrivateKeyInfo DER. */
  der: Uint8Array;
  shrouded: boolean;
}

export interface PfxOverview {
  /** Undefined without macData; 1 when macData leaves it to its DEFAULT. */
  macIterations?: number;
  /** AlgorithmIdentifier elements of the encrypted contents and shrouded key bags. */
  encryptionAlgorithms: DerElement[];
  keyBags: PfxKeyBag[];
}

/** Throws DerError when the file is not a readable PFX. */
export function readPfxOverview(file: Uint8Array): PfxOverview {
  const pfx = readChildren(expectTag(readSingle(definiteLengths(file)), Tag.SEQUENCE, "PFX"));
  const [version, authSafe, macData] = pfx;
  expectTag(version, Tag.INTEGER, "PFX version");
  const overview: PfxOverview = { encryptionAlgorithms: [], keyBags: [] };
  if (macData) {
    const [, , iterations] = readChildren(expectTag(macData, Tag.SEQUENCE, "MacData"));
    overview.macIterations = iterations ? integerValue(expectTag(iterations, Tag.INTEGER, "MAC iterations")) : 1;
  }
  const authSafeData = dataContent(expectTag(authSafe, Tag.SEQUENCE, "authSafe"));
  if (authSafeData === undefined) throw new DerError("Only password-integrity PKCS#12 files are supported.");
  const contents = readChildren(expectTag(readSingle(authSafeData), Tag.SEQUENCE, "AuthenticatedSafe"));
  if (contents.length > MAX_CONTENTS) throw new DerError("Too many PKCS#12 contents.");
  for (const contentInfo of contents) {
    const [type, content] = readChildren(expectTag(contentInfo, Tag.SEQUENCE, "ContentInfo"));
    const contentType = decodeOid(expectTag(type, Tag.OID, "contentType"));
    if (contentType === ENCRYPTED_DATA) {
      const [encryptedData] = readChildren(expectTag(content, 0xa0, "[0] content"));
      const [, encryptedContentInfo] = readChildren(expectTag(encryptedData, Tag.SEQUENCE, "EncryptedData"));
      const [, algorithm] = readChildren(expectTag(encryptedContentInfo, Tag.SEQUENCE, "EncryptedContentInfo"));
      overview.encryptionAlgorithms.push(expectTag(algorithm, Tag.SEQUENCE, "contentEncryptionAlgorithm"));
    } else if (contentType === OID.data) {
      readBags(dataContent(contentInfo) ?? new Uint8Array(0), overview);
    }
  }
  return overview;
}

function readBags(safeContents: Uint8Array, overview: PfxOverview): void {
  const bags = readChildren(expectTag(readSingle(safeContents), Tag.SEQUENCE, "SafeContents"));
  if (bags.length > MAX_BAGS) throw new DerError("Too many PKCS#12 bags.");
  for (const bag of bags) {
    const [id, wrapped] = readChildren(expectTag(bag, Tag.SEQUENCE, "SafeBag"));
    const bagId = decodeOid(expectTag(id, Tag.OID, "bagId"));
    if (bagId !== KEY_BAG && bagId !== SHROUDED_KEY_BAG) continue;
    const [value] = readChildren(expectTag(wrapped, 0xa0, "[0] bagValue"));
    const key = expectTag(value, Tag.SEQUENCE, "key bag");
    if (bagId === SHROUDED_KEY_BAG)
      overview.encryptionAlgorithms.push(expectTag(readChildren(key)[0], Tag.SEQUENCE, "encryptionAlgorithm"));
    overview.keyBags.push({ der: key.der, shrouded: bagId === SHROUDED_KEY_BAG });
  }
}

/** The octets of a `data` ContentInfo ([0] EXPLICIT OCTET STRING, possibly chunked as BER does), else undefined. */
function dataContent(contentInfo: DerElement): Uint8Array | undefined {
  const [type, content] = readChildren(contentInfo);
  if (type?.tag !== Tag.OID || decodeOid(type) !== OID.data || !content) return undefined;
  const [octets] = readChildren(expectTag(content, 0xa0, "[0] content"));
  if (octets?.tag === Tag.OCTET_STRING) return octets.content;
  if (octets?.tag === (Tag.OCTET_STRING | 0x20))
    return concatBytes(
      readChildren(octets).map((chunk) => expectTag(chunk, Tag.OCTET_STRING, "OCTET STRING chunk").content),
    );
  throw new DerError("Malformed ASN.1: expected the data content's OCTET STRING.");
}

/** A non-negative INTEGER's value; Infinity when it does not fit in 48 bits (no iteration count is that large). */
export function integerValue(element: DerElement): number {
  let start = 0;
  while (start < element.content.length - 1 && element.content[start] === 0) start++;
  const bytes = element.content.subarray(start);
  if (bytes.length > 6) return Infinity;
  return bytes.reduce((value, byte) => value * 256 + byte, 0);
}
