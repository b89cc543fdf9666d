import type { Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import { isSelfSigned } from "@/lib/engine/pki/self-signed";
import { CertificateProfileError } from "@/lib/engine/pki/profile/profile-errors";

const WEAK: Record<string, string> = {
  [OID.md2WithRSAEncryption]: "MD2",
  [OID.md5WithRSAEncryption]: "MD5",
  [OID.sha1WithRSAEncryption]: "SHA-1",
  [OID.ecdsaWithSHA1]: "SHA-1",
  [OID.dsaWithSHA1]: "SHA-1",
};

/**
 * No certificate of the chain (signer first) is signed with SHA-1 or MD5. The
 * self-signature of a root is not checked: nothing relies on it (the root is
 * trusted as such), and some roots still carry an old one. A self-signed signer
 * certificate is checked.
 */
export function checkSignatureAlgorithms(chain: readonly Certificate[]): void {
  chain.forEach((certificate, index) => {
    const weak = WEAK[certificate.signatureAlgorithm];
    if (!weak || (index > 0 && isSelfSigned(certificate))) return;
    throw new CertificateProfileError(
      "certificate.weak_signature_algorithm",
      `"${certificate.subject}" is signed with ${weak}, which is no longer accepted for signatures.`,
    );
  });
}
