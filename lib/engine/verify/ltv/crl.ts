/**
 * Reads a CRL (RFC 5280 5.1) as stored in a DSS: its issuer and the serial numbers
 * it revokes. The CRL's signature is not checked here (see LtvReport.problems).
 * Throws DerError when the bytes are not a CRL.
 */
import { Tag, decodeTime, expectTag, readChildren, readSingle, toHex } from "@/lib/engine/asn1/der";

export interface RevocationList {
  /** DER of the issuer Name. */
  issuerDer: Uint8Array;
  /** Revocation time by the hex of the serial number INTEGER's DER. */
  revoked: Map<string, Date>;
}

export function parseCrl(der: Uint8Array): RevocationList {
  const [tbs] = readChildren(expectTag(readSingle(der, { allowZeroPadding: true }), Tag.SEQUENCE, "CertificateList"));
  const fields = readChildren(expectTag(tbs, Tag.SEQUENCE, "TBSCertList"));
  let i = fields[0]?.tag === Tag.INTEGER ? 1 : 0; // version
  i++; // signature
  const issuerDer = expectTag(fields[i++], Tag.SEQUENCE, "issuer").der;
  i++; // thisUpdate
  if (fields[i]?.tag === Tag.UTC_TIME || fields[i]?.tag === Tag.GENERALIZED_TIME) i++; // nextUpdate
  const revoked = new Map<string, Date>();
  const list = fields[i];
  if (list?.tag === Tag.SEQUENCE) {
    for (const entry of readChildren(list)) {
      const [serial, date] = readChildren(expectTag(entry, Tag.SEQUENCE, "revokedCertificate"));
      if (date === undefined) continue;
      revoked.set(toHex(expectTag(serial, Tag.INTEGER, "userCertificate").der), decodeTime(date));
    }
  }
  return { issuerDer, revoked };
}
