/**
 * Reads a CMS ContentInfo holding SignedData (RFC 5652) into plain parts, keeping
 * the exact bytes that signatures cover. Bounded and defensive: anything that is
 * not well-formed becomes CmsError 'cms.malformed', never a crash.
 */
import {
  DerError,
  Tag,
  decodeOid,
  decodeSmallInteger,
  expectTag,
  readChildren,
  readSingle,
  type DerElement,
} from "@/lib/engine/asn1/der";
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import { CmsError } from "@/lib/engine/cms/cms-errors";

export interface ParsedAttribute {
  type: string;
  values: DerElement[];
}

export interface ParsedSignerInfo {
  version: number;
  /** IssuerAndSerialNumber, or subjectKeyIdentifier [0]. */
  sid: { issuerDer: Uint8Array; serialNumberDer: Uint8Array } | { subjectKeyIdentifier: Uint8Array };
  digestAlgorithm: string;
  /** Signed attributes as embedded ([0] tag); undefined when absent. */
  signedAttributesDer?: Uint8Array;
  signedAttributes: ParsedAttribute[];
  signatureAlgorithm: string;
  signature: Uint8Array;
  unsignedAttributes: ParsedAttribute[];
}

export interface ParsedSignedData {
  version: number;
  digestAlgorithms: string[];
  contentType: string;
  /** Encapsulated content, when not detached. */
  content?: Uint8Array;
  certificates: Certificate[];
  /** Certificates that could not be parsed are skipped and counted here. */
  unreadableCertificates: number;
  signerInfos: ParsedSignerInfo[];
}

const MAX_CERTIFICATES = 100;
const MAX_ATTRIBUTES = 64;

export function parseSignedData(cms: Uint8Array): ParsedSignedData {
  try {
    return decode(cms);
  } catch (cause) {
    if (cause instanceof CmsError) throw cause;
    throw new CmsError("cms.malformed", "The signature data is not a valid CMS SignedData structure.", {
      cause: cause instanceof DerError ? cause : undefined,
    });
  }
}

function decode(cms: Uint8Array): ParsedSignedData {
  const contentInfo = readChildren(expectTag(readSingle(cms, { allowZeroPadding: true }), Tag.SEQUENCE, "ContentInfo"));
  const contentType = decodeOid(expectTag(contentInfo[0], Tag.OID, "contentType"));
  if (contentType !== OID.signedData) {
    throw new CmsError("cms.malformed", "The signature data is a CMS structure, but not SignedData.");
  }
  const [signedDataEl] = readChildren(expectTag(contentInfo[1], 0xa0, "[0] content"));
  const fields = readChildren(expectTag(signedDataEl, Tag.SEQUENCE, "SignedData"));
  let i = 0;
  const version = decodeSmallInteger(expectTag(fields[i++], Tag.INTEGER, "version"));
  const digestAlgorithms = readChildren(expectTag(fields[i++], Tag.SET, "digestAlgorithms")).map(algorithmOid);
  const encap = readChildren(expectTag(fields[i++], Tag.SEQUENCE, "encapContentInfo"));
  const eContentType = decodeOid(expectTag(encap[0], Tag.OID, "eContentType"));
  let content: Uint8Array | undefined;
  if (encap[1]) {
    const [octets] = readChildren(expectTag(encap[1], 0xa0, "[0] eContent"));
    content = expectTag(octets, Tag.OCTET_STRING, "eContent").content;
  }
  const certificates: Certificate[] = [];
  let unreadableCertificates = 0;
  if (fields[i]?.tag === 0xa0) {
    const list = readChildren(fields[i++] as DerElement);
    if (list.length > MAX_CERTIFICATES)
      throw new CmsError("cms.malformed", "The signature holds too many certificates.");
    for (const el of list) {
      if (el.tag !== Tag.SEQUENCE) continue; // other certificate formats ([0]..[3]) are ignored
      try {
        certificates.push(parseCertificate(el.der));
      } catch {
        unreadableCertificates++;
      }
    }
  }
  if (fields[i]?.tag === 0xa1) i++; // crls
  const signerInfos = readChildren(expectTag(fields[i], Tag.SET, "signerInfos")).map(decodeSignerInfo);
  return {
    version,
    digestAlgorithms,
    contentType: eContentType,
    content,
    certificates,
    unreadableCertificates,
    signerInfos,
  };
}

function algorithmOid(element: DerElement): string {
  const [id] = readChildren(expectTag(element, Tag.SEQUENCE, "AlgorithmIdentifier"));
  return decodeOid(expectTag(id, Tag.OID, "algorithm"));
}

function decodeSignerInfo(element: DerElement): ParsedSignerInfo {
  const f = readChildren(expectTag(element, Tag.SEQUENCE, "SignerInfo"));
  let i = 0;
  const version = decodeSmallInteger(expectTag(f[i++], Tag.INTEGER, "version"));
  const sidEl = f[i++];
  let sid: ParsedSignerInfo["sid"];
  if (sidEl?.tag === Tag.SEQUENCE) {
    const [issuer, serial] = readChildren(sidEl);
    sid = {
      issuerDer: expectTag(issuer, Tag.SEQUENCE, "issuer").der,
      serialNumberDer: expectTag(serial, Tag.INTEGER, "serialNumber").der,
    };
  } else if (sidEl?.tag === 0x80) {
    sid = { subjectKeyIdentifier: sidEl.content };
  } else {
    throw new DerError("Malformed SignerInfo identifier.");
  }
  const digestAlgorithm = algorithmOid(f[i++] as DerElement);
  let signedAttributesDer: Uint8Array | undefined;
  let signedAttributes: ParsedAttribute[] = [];
  if (f[i]?.tag === 0xa0) {
    const el = f[i++] as DerElement;
    signedAttributesDer = el.der;
    signedAttributes = decodeAttributes(el);
  }
  const signatureAlgorithm = algorithmOid(expectTag(f[i++], Tag.SEQUENCE, "signatureAlgorithm"));
  const signature = expectTag(f[i++], Tag.OCTET_STRING, "signature").content;
  const unsignedAttributes = f[i]?.tag === 0xa1 ? decodeAttributes(f[i] as DerElement) : [];
  return {
    version,
    sid,
    digestAlgorithm,
    signedAttributesDer,
    signedAttributes,
    signatureAlgorithm,
    signature,
    unsignedAttributes,
  };
}

function decodeAttributes(element: DerElement): ParsedAttribute[] {
  const list = readChildren(element);
  if (list.length > MAX_ATTRIBUTES) throw new DerError("Too many attributes.");
  return list.map((attr) => {
    const [type, values] = readChildren(expectTag(attr, Tag.SEQUENCE, "Attribute"));
    return {
      type: decodeOid(expectTag(type, Tag.OID, "attrType")),
      values: readChildren(expectTag(values, Tag.SET, "attrValues")),
    };
  });
}

export function findAttribute(attributes: readonly ParsedAttribute[], type: string): ParsedAttribute | undefined {
  return attributes.find((a) => a.type === type);
}

/** The certificate a SignerInfo names, among the given ones. */
export function findSignerCertificate(
  signerInfo: ParsedSignerInfo,
  certificates: readonly Certificate[],
): Certificate | undefined {
  const sid = signerInfo.sid;
  return certificates.find((c) =>
    "subjectKeyIdentifier" in sid
      ? !!c.subjectKeyIdentifier && Buffer.compare(c.subjectKeyIdentifier, sid.subjectKeyIdentifier) === 0
      : Buffer.compare(c.issuerDer, sid.issuerDer) === 0 &&
        Buffer.compare(c.serialNumberDer, sid.serialNumberDer) === 0,
  );
}
