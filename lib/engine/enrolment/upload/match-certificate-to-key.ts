/** Which certificate of a set was issued for a given key (SubjectPublicKeyInfo, compared canonically). */
import { bytesEqual } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { canonicalSpki } from "@/lib/engine/crypto/key-algorithm";

/**
 * The certificate for `spki`, or undefined. When several are (a renewal for the
 * same key, or a CA certificate for it), an end-entity certificate is preferred,
 * then the most recently issued one.
 */
export function matchCertificateToKey(certificates: readonly Certificate[], spki: Uint8Array): Certificate | undefined {
  const target = canonicalOrUndefined(spki);
  if (target === undefined) return undefined;
  const matches = certificates.filter((certificate) => {
    const own = canonicalOrUndefined(certificate.spki);
    return own !== undefined && bytesEqual(own, target);
  });
  return matches.sort(
    (a, b) =>
      Number(Boolean(a.basicConstraints?.ca)) - Number(Boolean(b.basicConstraints?.ca)) ||
      b.notBefore.getTime() - a.notBefore.getTime(),
  )[0];
}

function canonicalOrUndefined(spki: Uint8Array): Uint8Array | undefined {
  try {
    return canonicalSpki(spki);
  } catch {
    return undefined;
  }
}
