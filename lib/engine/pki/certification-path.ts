/**
 * Builds the path from a certificate to a trust anchor out of the certificates
 * at hand (those embedded in a signature, plus given intermediates), checking
 * each link's signature, that issuers are CAs, and validity at a given time.
 * No revocation checking (that belongs to LTV, with the DSS). Validity at a time
 * is reported separately (`validAt`) and does not change `trust`.
 */
import { bytesEqual } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { isSelfSigned, issuedBy } from "@/lib/engine/pki/self-signed";

export type Trust = "trusted" | "untrusted" | "self-signed";

export interface CertificationPath {
  trust: Trust;
  /** From the certificate up to the last certificate found (the anchor when trusted). */
  path: Certificate[];
  anchor?: Certificate;
  /** Every certificate of the path was within its validity window at `at` (when given). */
  validAt?: boolean;
  problems: string[];
}

const MAX_PATH_LENGTH = 10;

export function buildCertificationPath(
  certificate: Certificate,
  options: { intermediates?: readonly Certificate[]; anchors?: readonly Certificate[]; at?: Date } = {},
): CertificationPath {
  const anchors = options.anchors ?? [];
  const intermediates = options.intermediates ?? [];
  const problems: string[] = [];
  const path: Certificate[] = [certificate];
  let anchor: Certificate | undefined;

  for (let current = certificate; path.length <= MAX_PATH_LENGTH;) {
    const isAnchor = anchors.find(
      (a) =>
        bytesEqual(a.der, current.der) ||
        (bytesEqual(a.subjectDer, current.subjectDer) && bytesEqual(a.spki, current.spki)),
    );
    if (isAnchor) {
      anchor = isAnchor;
      break;
    }
    if (isSelfSigned(current)) break;
    const issuer =
      anchors.find((a) => issuedBy(current, a)) ?? intermediates.find((c) => !path.includes(c) && issuedBy(current, c));
    if (!issuer) {
      problems.push(`The issuer of "${current.subject}" (${current.issuer}) is not available.`);
      break;
    }
    if (!issuer.basicConstraints?.ca)
      problems.push(`"${issuer.subject}" is not a certification authority but issued "${current.subject}".`);
    else if (issuer.keyUsage && !issuer.keyUsage.keyCertSign)
      problems.push(`"${issuer.subject}" may not sign certificates (keyUsage).`);
    path.push(issuer);
    current = issuer;
  }
  if (path.length > MAX_PATH_LENGTH) problems.push("The certificate chain is too long.");
  const linksOk = problems.length === 0;

  let validAt: boolean | undefined;
  if (options.at) {
    const at = options.at.getTime();
    const invalid = path.filter((c) => at < c.notBefore.getTime() || at > c.notAfter.getTime());
    validAt = invalid.length === 0;
    for (const c of invalid)
      problems.push(
        `"${c.subject}" was not valid on ${options.at.toISOString()} (valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()}).`,
      );
  }

  let trust: Trust;
  if (anchor && linksOk) trust = "trusted";
  else if (path.length === 1 && isSelfSigned(certificate)) trust = "self-signed";
  else trust = "untrusted";
  if (!anchor && trust !== "self-signed")
    problems.push(anchors.length ? "The chain does not lead to a trusted root." : "No trust anchors were given.");
  if (trust === "self-signed" && !anchors.length) problems.push("The certificate is self-signed.");
  else if (trust === "self-signed")
    problems.push("The certificate is self-signed and not among the trusted certificates.");
  return { trust, path, anchor, validAt, problems };
}
