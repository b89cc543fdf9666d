/**
 * The signing-certificate-v2 attribute (RFC 5035), required by PAdES baseline:
 *   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }
 *   ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT {id-sha256},
 *                              certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }
 *   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }
 * The hash algorithm is the signature's; DER omits it when it is the DEFAULT SHA-256.
 */
import {
  contextConstructed,
  octetString,
  sequence,
  Tag,
  decodeOid,
  expectTag,
  readChildren,
  readSingle,
  bytesEqual,
} from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { digest, hashFromOid, hashOid } from "@/lib/engine/crypto/hash";
import { hashAlgorithmIdentifier } from "@/lib/engine/cms/signature-algorithm";

/** The attribute value (the SigningCertificateV2 SEQUENCE). */
export function signingCertificateV2(certificate: Certificate, hash: HashAlgorithm): Uint8Array {
  const issuerSerial = sequence(sequence(contextConstructed(4, certificate.issuerDer)), certificate.serialNumberDer);
  const certId = sequence(
    ...(hash === "SHA-256" ? [] : [hashAlgorithmIdentifier(hashOid(hash))]),
    octetString(digest(hash, certificate.der)),
    issuerSerial,
  );
  return sequence(sequence(certId));
}

export interface SigningCertificateMatch {
  /** The first ESSCertIDv2's hash matches the certificate. */
  hashMatches: boolean;
  /** issuerSerial, when present, names this certificate. */
  issuerSerialMatches: boolean | "absent";
  hash: HashAlgorithm | "unsupported";
}

/** Compares a signing-certificate-v2 value with the signer's certificate. Throws DerError on malformed input. */
export function matchSigningCertificateV2(value: Uint8Array, certificate: Certificate): SigningCertificateMatch {
  const [certs] = readChildren(expectTag(readSingle(value), Tag.SEQUENCE, "SigningCertificateV2"));
  const [first] = readChildren(expectTag(certs, Tag.SEQUENCE, "certs"));
  const parts = readChildren(expectTag(first, Tag.SEQUENCE, "ESSCertIDv2"));
  let i = 0;
  let hash: HashAlgorithm | undefined = "SHA-256";
  if (parts[0]?.tag === Tag.SEQUENCE) {
    const [algOid] = readChildren(parts[0]);
    hash = hashFromOid(decodeOid(expectTag(algOid, Tag.OID, "hash OID")));
    i++;
  }
  const certHash = expectTag(parts[i++], Tag.OCTET_STRING, "certHash").content;
  if (!hash) return { hashMatches: false, issuerSerialMatches: "absent", hash: "unsupported" };
  const hashMatches = bytesEqual(certHash, digest(hash, certificate.der));
  const issuerSerial = parts[i];
  if (!issuerSerial) return { hashMatches, issuerSerialMatches: "absent", hash };
  const [generalNames, serial] = readChildren(expectTag(issuerSerial, Tag.SEQUENCE, "IssuerSerial"));
  const directoryName = readChildren(expectTag(generalNames, Tag.SEQUENCE, "GeneralNames")).find((n) => n.tag === 0xa4);
  const issuerName = directoryName ? readChildren(directoryName)[0] : undefined;
  const issuerSerialMatches =
    !!issuerName &&
    !!serial &&
    bytesEqual(issuerName.der, certificate.issuerDer) &&
    bytesEqual(serial.der, certificate.serialNumberDer);
  return { hashMatches, issuerSerialMatches, hash };
}

export const SIGNING_CERTIFICATE_V2_OID = OID.signingCertificateV2;
