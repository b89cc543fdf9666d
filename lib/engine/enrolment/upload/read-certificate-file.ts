/**
 * The certificates of an uploaded file: PEM (any number of CERTIFICATE and
 * PKCS7 blocks, in any order, with or without text between them), DER (one
 * certificate), a PKCS#7 certs-only bundle (.p7b, DER or PEM), or bare base64 of
 * either. Bounded in size and count. A file of the wrong kind (a private key, a
 * CSR, a PKCS#12) gets its own error saying what to upload instead.
 */
import { parseCertificate, type Certificate } from "@/lib/engine/pki/certificate";
import { CertificateError } from "@/lib/engine/pki/pki-errors";
import { DerError, readElement } from "@/lib/engine/asn1/der";
import { looksLikePem, readPemBlocks, type PemBlock } from "@/lib/engine/pki/pem";
import { CertificateUploadError } from "@/lib/engine/enrolment/enrolment-errors";
import { derFileKind } from "@/lib/engine/enrolment/upload/der-file-kind";
import { readPkcs7Certificates } from "@/lib/engine/enrolment/upload/pkcs7-certificates";

/** A certificate is 1–2 KB and a chain a handful of them: a bigger file is not a certificate upload. */
export const MAX_CERTIFICATE_FILE_BYTES = 256 * 1024;
export const MAX_CERTIFICATES_PER_FILE = 20;

const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"]);
const PKCS7_LABELS = new Set(["PKCS7", "PKCS #7 SIGNED DATA", "CMS"]);
const REQUEST_LABELS = new Set(["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
/** Tested on trimmed text: no overlapping repetitions, so no catastrophic backtracking. */
const BARE_BASE64 = /^[A-Za-z0-9+/\s]+={0,2}$/;

const WHAT_TO_UPLOAD =
  "Upload the certificate your CA issued, as PEM (.pem, .crt), DER (.cer, .der) or a PKCS#7 bundle (.p7b).";

/** Distinct certificates (by fingerprint), in file order. */
export function readCertificateFile(input: Uint8Array | string): Certificate[] {
  const size = typeof input === "string" ? Buffer.byteLength(input) : input.length;
  if (size > MAX_CERTIFICATE_FILE_BYTES) {
    throw new CertificateUploadError(
      "upload.too_large",
      `The file is too large for a certificate (${size} bytes; at most ${MAX_CERTIFICATE_FILE_BYTES}). ${WHAT_TO_UPLOAD}`,
    );
  }
  const certificates = looksLikePem(input)
    ? fromPem(typeof input === "string" ? input : Buffer.from(input).toString("latin1"))
    : fromDer(derOf(input));
  const distinct = certificates.filter(
    (c, i) => certificates.findIndex((d) => d.fingerprintSha256 === c.fingerprintSha256) === i,
  );
  if (distinct.length > MAX_CERTIFICATES_PER_FILE) {
    throw new CertificateUploadError(
      "upload.too_many_certificates",
      `The file holds ${distinct.length} certificates; upload at most ${MAX_CERTIFICATES_PER_FILE} (your certificate and its chain).`,
    );
  }
  return distinct;
}

/** Binary input as is; text (or ASCII bytes) that is bare base64 decoded. */
function derOf(input: Uint8Array | string): Uint8Array {
  const text = typeof input === "string" ? input : asciiText(input);
  if (text === undefined) return input as Uint8Array;
  if (text.trim() === "")
    throw new CertificateUploadError("upload.no_certificate", `The file is empty. ${WHAT_TO_UPLOAD}`);
  if (BARE_BASE64.test(text.trim())) return new Uint8Array(Buffer.from(text, "base64"));
  if (typeof input === "string")
    throw new CertificateUploadError("upload.unreadable", `The text is not a certificate. ${WHAT_TO_UPLOAD}`);
  return input;
}

function fromPem(text: string): Certificate[] {
  const blocks = readPemBlocks(text);
  if (blocks.some((block) => block.label.includes("PRIVATE KEY"))) throw privateKeyError();
  const certificates: Certificate[] = [];
  let index = 0;
  for (const block of blocks) {
    if (CERTIFICATE_LABELS.has(block.label)) certificates.push(certificateOfBlock(block, ++index));
    else if (PKCS7_LABELS.has(block.label)) {
      const bundle = pkcs7Certificates(block.der);
      if (bundle === undefined)
        throw new CertificateUploadError(
          "upload.unreadable",
          `The PKCS#7 block is not a certificate bundle. ${WHAT_TO_UPLOAD}`,
        );
      certificates.push(...bundle);
    }
  }
  if (certificates.length > 0) return certificates;
  if (blocks.some((block) => REQUEST_LABELS.has(block.label))) throw requestError();
  const found = blocks.length ? ` (it holds: ${[...new Set(blocks.map((b) => b.label))].join(", ")})` : "";
  throw new CertificateUploadError("upload.no_certificate", `The file holds no certificate${found}. ${WHAT_TO_UPLOAD}`);
}

function fromDer(der: Uint8Array): Certificate[] {
  try {
    return [parseCertificate(der)];
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
  }
  const bundle = pkcs7Certificates(der);
  if (bundle !== undefined) {
    if (bundle.length === 0)
      throw new CertificateUploadError(
        "upload.no_certificate",
        `The PKCS#7 file holds no certificate. ${WHAT_TO_UPLOAD}`,
      );
    return bundle;
  }
  switch (derFileKind(der)) {
    case "pkcs12":
      throw new CertificateUploadError(
        "upload.is_pkcs12",
        "This is a PKCS#12 file (.p12/.pfx), which holds a private key. Use “Import PKCS#12” for it; here, upload only the certificate your CA issued for the pending key.",
      );
    case "certificate-request":
      throw requestError();
    case "private-key":
      throw privateKeyError();
    default:
      throw new CertificateUploadError(
        "upload.unreadable",
        `The file is not a certificate Signet can read. ${WHAT_TO_UPLOAD} If your CA gave you another format, convert it to PEM.`,
      );
  }
}

/** Undefined when the bytes are not a PKCS#7 SignedData. */
function pkcs7Certificates(der: Uint8Array): Certificate[] | undefined {
  let certificates: Uint8Array[] | undefined;
  try {
    certificates = readPkcs7Certificates(der);
  } catch (cause) {
    if (!(cause instanceof DerError)) throw cause;
    throw new CertificateUploadError(
      "upload.unreadable",
      `The PKCS#7 bundle is damaged and cannot be read. ${WHAT_TO_UPLOAD}`,
      { cause },
    );
  }
  return certificates?.map((c, i) => certificateOf(c, `certificate ${i + 1} of the PKCS#7 bundle`));
}

/** "TRUSTED CERTIFICATE" (OpenSSL) appends trust settings after the certificate: keep only the certificate. */
function certificateOfBlock(block: PemBlock, index: number): Certificate {
  let der = block.der;
  if (block.label === "TRUSTED CERTIFICATE") {
    try {
      der = readElement(der).der;
    } catch {
      // left to parseCertificate to refuse
    }
  }
  return certificateOf(der, `certificate ${index} of the file`);
}

function certificateOf(der: Uint8Array, where: string): Certificate {
  try {
    return parseCertificate(der);
  } catch (cause) {
    if (!(cause instanceof CertificateError)) throw cause;
    throw new CertificateUploadError(
      "upload.unreadable",
      `The ${where} is damaged or not an X.509 certificate. ${WHAT_TO_UPLOAD}`,
      { cause },
    );
  }
}

function privateKeyError(): CertificateUploadError {
  return new CertificateUploadError(
    "upload.contains_private_key",
    "This file contains a private key. Upload only the certificate and its chain: a private key must not travel with it. To import a key together with its certificate, use “Import PKCS#12”.",
  );
}

function requestError(): CertificateUploadError {
  return new CertificateUploadError(
    "upload.is_certificate_request",
    "This is the certificate request (CSR), not a certificate. Send it to your certification authority and upload the certificate they issue.",
  );
}

/** The bytes as text when they are plain ASCII (bare base64 upload), else undefined. */
function asciiText(bytes: Uint8Array): string | undefined {
  return bytes.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))
    ? Buffer.from(bytes).toString("latin1")
    : undefined;
}
