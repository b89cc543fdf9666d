/**
 * What a DER file that is not a certificate is, so that an upload of the wrong
 * file gets a message that says which file to pick instead.
 */
import { Tag, decodeOid, readChildren, readSingle, type DerElement } from "@/lib/engine/asn1/der";
import { OID } from "@/lib/engine/asn1/oids";

export type DerFileKind = "pkcs12" | "certificate-request" | "private-key";

export function derFileKind(bytes: Uint8Array): DerFileKind | undefined {
  try {
    const top = readSingle(bytes);
    if (top.tag !== Tag.SEQUENCE) return undefined;
    const children = readChildren(top);
    if (isPfx(children)) return "pkcs12";
    if (isCertificationRequest(children)) return "certificate-request";
    if (isPrivateKey(children)) return "private-key";
    return undefined;
  } catch {
    return undefined;
  }
}

/** PFX: version 3, authSafe ContentInfo (data or signedData), optional macData. */
function isPfx([version, authSafe]: DerElement[]): boolean {
  if (version?.tag !== Tag.INTEGER || version.content.length !== 1 || version.content[0] !== 3) return false;
  if (authSafe?.tag !== Tag.SEQUENCE) return false;
  const [type] = readChildren(authSafe);
  if (type?.tag !== Tag.OID) return false;
  const contentType = decodeOid(type);
  return contentType === OID.data || contentType === OID.signedData;
}

/** CertificationRequest: info { version 0, subject, spki, [0] attributes }, algorithm, BIT STRING. */
function isCertificationRequest([info, algorithm, signature]: DerElement[]): boolean {
  if (info?.tag !== Tag.SEQUENCE || algorithm?.tag !== Tag.SEQUENCE || signature?.tag !== Tag.BIT_STRING) return false;
  const fields = readChildren(info);
  return fields.length === 4 && fields[0]?.tag === Tag.INTEGER && fields[3]?.tag === 0xa0;
}

/** PKCS#8 PrivateKeyInfo, PKCS#1 RSAPrivateKey or SEC1 ECPrivateKey. */
function isPrivateKey(children: DerElement[]): boolean {
  const [version, second, third] = children;
  if (version?.tag !== Tag.INTEGER) return false;
  if (second?.tag === Tag.SEQUENCE && third?.tag === Tag.OCTET_STRING) return true; // PKCS#8
  if (children.length >= 9 && children.every((c) => c.tag === Tag.INTEGER)) return true; // PKCS#1
  return version.content[0] === 1 && second?.tag === Tag.OCTET_STRING; // SEC1
}
