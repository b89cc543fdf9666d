export {
  parseCertificate,
  parseCertificates,
  toPem,
  type Certificate,
  type KeyUsageFlags,
} from "@/lib/engine/pki/certificate";
export { CertificateError } from "@/lib/engine/pki/pki-errors";
export { displayName, commonName } from "@/lib/engine/pki/distinguished-name";
export { sha256Fingerprint, formatFingerprint } from "@/lib/engine/pki/fingerprint";
export { certificateKeyAlgorithm, describeCertificateKey } from "@/lib/engine/pki/certificate-key-algorithm";
export { summarizeCertificate, type CertificateSummary } from "@/lib/engine/pki/certificate-summary";
export { isSelfSigned, issuedBy } from "@/lib/engine/pki/self-signed";
export { buildCertificationPath, type CertificationPath, type Trust } from "@/lib/engine/pki/certification-path";
export {
  checkCertificateProfile,
  type ProfileInput,
  type ProfileResult,
} from "@/lib/engine/pki/profile/certificate-profile";
export { checkPublicKeyMatch } from "@/lib/engine/pki/profile/check-public-key-match";
export { checkValidityWindow } from "@/lib/engine/pki/profile/check-validity-window";
export { checkKeyUsage } from "@/lib/engine/pki/profile/check-key-usage";
export { checkExtendedKeyUsage } from "@/lib/engine/pki/profile/check-extended-key-usage";
export { checkKeyStrength, checkRsaKeySize, checkCurve } from "@/lib/engine/pki/profile/check-key-strength";
export { checkSignatureAlgorithms } from "@/lib/engine/pki/profile/check-signature-algorithms";
export { checkSelfSigned } from "@/lib/engine/pki/profile/check-self-signed";
export { CertificateProfileError, type CertificateProfileErrorCode } from "@/lib/engine/pki/profile/profile-errors";
export { readPemBlocks } from "@/lib/engine/pki/pem";
export { commonNameOf, nameDetails, readableName } from "@/lib/engine/pki/readable-name";
