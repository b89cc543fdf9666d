/** What a report shows about a certificate (plain data, safe to serialise). */
import type { Certificate } from "@/lib/engine/pki/certificate";
import { describeCertificateKey } from "@/lib/engine/pki/certificate-key-algorithm";
import { isSelfSigned } from "@/lib/engine/pki/self-signed";

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumberHex: string;
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
  /** "RSA 2048", "ECDSA P-256", … */
  keyAlgorithm: string;
  selfSigned: boolean;
}

export function summarizeCertificate(certificate: Certificate): CertificateSummary {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumberHex: certificate.serialNumberHex,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    fingerprintSha256: certificate.fingerprintSha256,
    keyAlgorithm: describeCertificateKey(certificate),
    selfSigned: isSelfSigned(certificate),
  };
}
