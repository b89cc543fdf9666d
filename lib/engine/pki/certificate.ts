/**
 * X.509 certificates as Signet uses them: parsed once from DER with a bounded
 * reader, keeping the exact bytes of the parts that are hashed or compared
 * (issuer and subject names, serial number, SubjectPublicKeyInfo).
 */
import { X509Certificate } from "node:crypto";
import {
  DerError,
  Tag,
  decodeOid,
  decodeTime,
  expectTag,
  readChildren,
  readSingle,
  toHex,
  type DerElement,
} from "@/lib/engine/asn1/der";
import { displayName } from "@/lib/engine/pki/distinguished-name";
import { CertificateError } from "@/lib/engine/pki/pki-errors";
import { OID } from "@/lib/engine/asn1/oids";
import { sha256Fingerprint } from "@/lib/engine/pki/fingerprint";

export interface KeyUsageFlags {
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyEncipherment: boolean;
  dataEncipherment: boolean;
  keyAgreement: boolean;
  keyCertSign: boolean;
  cRLSign: boolean;
}

export interface Certificate {
  readonly der: Uint8Array;
  readonly subject: string;
  readonly issuer: string;
  /** DER of the subject and issuer Names. */
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  /** DER of the serial number INTEGER, and its hex value (as shown by openssl). */
  readonly serialNumberDer: Uint8Array;
  readonly serialNumberHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  /** OID of the algorithm the issuer signed this certificate with. */
  readonly signatureAlgorithm: string;
  /** SHA-256 of the DER, lowercase hex. */
  readonly fingerprintSha256: string;
  /** Undefined when the extension is absent. */
  readonly keyUsage?: KeyUsageFlags;
  readonly extendedKeyUsage?: readonly string[];
  readonly basicConstraints?: { ca: boolean; pathLength?: number };
  readonly subjectKeyIdentifier?: Uint8Array;
  /** Extension OIDs marked critical. */
  readonly criticalExtensions: readonly string[];
}

const KEY_USAGE_BITS: (keyof KeyUsageFlags)[] = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
];

export function parseCertificate(der: Uint8Array): Certificate {
  try {
    return decodeCertificate(new Uint8Array(der));
  } catch (cause) {
    throw new CertificateError(
      "certificate.unreadable",
      "The certificate could not be read (it is not a valid X.509 certificate).",
      {
        cause: cause instanceof DerError ? cause : undefined,
      },
    );
  }
}

/** Certificates from PEM text (any number of CERTIFICATE blocks, other blocks ignored) or from one DER certificate. */
export function parseCertificates(input: Uint8Array | string): Certificate[] {
  const text = typeof input === "string" ? input : isPem(input) ? Buffer.from(input).toString("latin1") : undefined;
  if (text === undefined) return [parseCertificate(input as Uint8Array)];
  const blocks = [
    ...text.matchAll(
      /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g,
    ),
  ];
  if (blocks.length === 0) throw new CertificateError("certificate.none", "No certificate was found in the PEM text.");
  return blocks.map((m) => parseCertificate(new Uint8Array(Buffer.from((m[1] ?? "").replace(/\s+/g, ""), "base64"))));
}

export function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function isPem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 8192)).toString("latin1").includes("-----BEGIN");
}

/** node:crypto's view of the same certificate (signature checks). */
export function x509Of(certificate: Certificate): X509Certificate {
  return new X509Certificate(certificate.der);
}

function decodeCertificate(der: Uint8Array): Certificate {
  const root = expectTag(readSingle(der), Tag.SEQUENCE, "Certificate");
  const [tbs, sigAlg, sigValue] = readChildren(root);
  expectTag(tbs, Tag.SEQUENCE, "TBSCertificate");
  expectTag(sigAlg, Tag.SEQUENCE, "signatureAlgorithm");
  expectTag(sigValue, Tag.BIT_STRING, "signatureValue");
  const fields = readChildren(tbs as DerElement);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i++; // [0] version
  const serial = expectTag(fields[i++], Tag.INTEGER, "serialNumber");
  expectTag(fields[i++], Tag.SEQUENCE, "signature");
  const issuer = expectTag(fields[i++], Tag.SEQUENCE, "issuer");
  const validity = readChildren(expectTag(fields[i++], Tag.SEQUENCE, "validity"));
  const subject = expectTag(fields[i++], Tag.SEQUENCE, "subject");
  const spki = expectTag(fields[i++], Tag.SEQUENCE, "subjectPublicKeyInfo");
  const [notBeforeEl, notAfterEl] = validity;
  if (!notBeforeEl || !notAfterEl) throw new DerError("Malformed validity.");
  const extensionsField = fields.slice(i).find((f) => f.tag === 0xa3);
  const sigAlgOid = readChildren(sigAlg as DerElement)[0];
  if (!sigAlgOid) throw new DerError("Malformed signature algorithm.");

  const certificate: {
    -readonly [K in keyof Certificate]: Certificate[K];
  } = {
    der,
    subject: displayName(subject.der),
    issuer: displayName(issuer.der),
    subjectDer: subject.der,
    issuerDer: issuer.der,
    serialNumberDer: serial.der,
    serialNumberHex: serialHex(serial.content),
    notBefore: decodeTime(notBeforeEl),
    notAfter: decodeTime(notAfterEl),
    spki: spki.der,
    signatureAlgorithm: decodeOid(sigAlgOid),
    fingerprintSha256: sha256Fingerprint(der),
    criticalExtensions: [],
  };
  if (extensionsField) decodeExtensions(extensionsField, certificate);
  return Object.freeze(certificate);
}

function serialHex(content: Uint8Array): string {
  let start = 0;
  while (start < content.length - 1 && content[start] === 0) start++;
  return toHex(content.subarray(start)).toUpperCase();
}

function decodeExtensions(field: DerElement, out: { -readonly [K in keyof Certificate]: Certificate[K] }): void {
  const [list] = readChildren(field);
  const critical: string[] = [];
  for (const ext of readChildren(expectTag(list, Tag.SEQUENCE, "Extensions"))) {
    const parts = readChildren(expectTag(ext, Tag.SEQUENCE, "Extension"));
    const id = decodeOid(expectTag(parts[0], Tag.OID, "extnID"));
    const isCritical = parts[1]?.tag === Tag.BOOLEAN && parts[1].content[0] !== 0;
    const value = expectTag(parts[parts.length - 1], Tag.OCTET_STRING, "extnValue").content;
    if (isCritical) critical.push(id);
    if (id === OID.keyUsage) out.keyUsage = decodeKeyUsage(readSingle(value));
    else if (id === OID.extKeyUsage)
      out.extendedKeyUsage = readChildren(expectTag(readSingle(value), Tag.SEQUENCE, "EKU")).map(decodeOid);
    else if (id === OID.basicConstraints) out.basicConstraints = decodeBasicConstraints(readSingle(value));
    else if (id === OID.subjectKeyIdentifier)
      out.subjectKeyIdentifier = expectTag(readSingle(value), Tag.OCTET_STRING, "SKI").content;
  }
  out.criticalExtensions = critical;
}

function decodeKeyUsage(element: DerElement): KeyUsageFlags {
  const bits = expectTag(element, Tag.BIT_STRING, "keyUsage").content.subarray(1);
  const flags = {} as KeyUsageFlags;
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bits[bit >> 3] ?? 0;
    flags[name] = (byte & (0x80 >> (bit & 7))) !== 0;
  });
  return flags;
}

function decodeBasicConstraints(element: DerElement): { ca: boolean; pathLength?: number } {
  const parts = readChildren(expectTag(element, Tag.SEQUENCE, "basicConstraints"));
  const ca = parts[0]?.tag === Tag.BOOLEAN && parts[0].content[0] !== 0;
  const lengthEl = parts.find((p) => p.tag === Tag.INTEGER);
  if (!lengthEl || lengthEl.content.length > 4) return { ca };
  let pathLength = 0;
  for (const b of lengthEl.content) pathLength = pathLength * 256 + b;
  return { ca, pathLength };
}
