import { bytesEqual } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { canonicalSpki } from "@/lib/engine/crypto/key-algorithm";
import { CertificateProfileError } from "@/lib/engine/pki/profile/profile-errors";

/** The certificate is for this key (SubjectPublicKeyInfo DER, e.g. from KeyBackend.publicKey()). */
export function checkPublicKeyMatch(certificate: Certificate, publicKey: Uint8Array): void {
  let same = false;
  try {
    same = bytesEqual(canonicalSpki(certificate.spki), canonicalSpki(publicKey));
  } catch {
    same = false;
  }
  if (!same) {
    throw new CertificateProfileError(
      "certificate.key_mismatch",
      `The certificate "${certificate.subject}" was not issued for this key.`,
    );
  }
}
