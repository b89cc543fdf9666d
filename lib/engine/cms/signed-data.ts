/**
 * Assembles a detached CMS SignedData (RFC 5652) with one SignerInfo, wrapped in
 * a ContentInfo: encapContentInfo is id-data without content; certificates holds
 * the signer first, then its chain (duplicates removed).
 */
import { contextConstructed, octetString, oid, sequence, setOf, smallInteger, bytesEqual } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import type { HashAlgorithm } from "@/lib/engine/crypto/key-algorithm";
import { hashOid } from "@/lib/engine/crypto/hash";
import { hashAlgorithmIdentifier } from "@/lib/engine/cms/signature-algorithm";
import { unsignedAttributes } from "@/lib/engine/cms/signed-attributes";

export interface SignedDataParts {
  hash: HashAlgorithm;
  signer: Certificate;
  certificates: readonly Uint8Array[];
  /** Signed attributes with their [0] tag. */
  signedAttributes: Uint8Array;
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  /** Complete Attribute SEQUENCEs for unsignedAttrs (e.g. the signature timestamp). */
  unsignedAttributes?: readonly Uint8Array[];
}

export function assembleSignedData(parts: SignedDataParts): Uint8Array {
  const digestAlgorithm = hashAlgorithmIdentifier(hashOid(parts.hash));
  const signerInfo = sequence(
    smallInteger(1),
    sequence(parts.signer.issuerDer, parts.signer.serialNumberDer),
    digestAlgorithm,
    parts.signedAttributes,
    parts.signatureAlgorithm,
    octetString(parts.signature),
    ...(parts.unsignedAttributes?.length ? [unsignedAttributes(parts.unsignedAttributes)] : []),
  );
  const certificates = uniqueCertificates([parts.signer.der, ...parts.certificates]);
  const certificatesField = contextConstructed(0, ...certificates);
  const signedData = sequence(
    smallInteger(1),
    setOf([digestAlgorithm]),
    sequence(oid(OID.data)),
    certificatesField,
    setOf([signerInfo]),
  );
  return sequence(oid(OID.signedData), contextConstructed(0, signedData));
}

function uniqueCertificates(list: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const der of list) if (!out.some((seen) => bytesEqual(seen, der))) out.push(der);
  return out;
}
