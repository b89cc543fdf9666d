/**
 * Orders the certificates uploaded with a leaf into its chain, closest issuer
 * first, by issuer name = subject name, authorityKeyIdentifier =
 * subjectKeyIdentifier when both are present, and the issuer's key verifying the
 * signature. The order in the file does not matter. Certificates that are not on
 * the path are returned as `unrelated` (for the screen to mention, not to keep).
 */
import { bytesEqual } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { isSelfSigned, issuedBy } from "@/lib/engine/pki/self-signed";
import { authorityKeyIdentifier } from "@/lib/engine/pki/authority-key-identifier";

export const MAX_CHAIN_LENGTH = 10;

export interface OrderedChain {
  /** Issuer of the leaf first; ends at a self-signed root when the file has it. */
  chain: Certificate[];
  unrelated: Certificate[];
}

export function orderChain(leaf: Certificate, certificates: readonly Certificate[]): OrderedChain {
  const pool = certificates.filter(
    (c, i) =>
      c.fingerprintSha256 !== leaf.fingerprintSha256 &&
      certificates.findIndex((d) => d.fingerprintSha256 === c.fingerprintSha256) === i,
  );
  const chain: Certificate[] = [];
  for (let current = leaf; chain.length < MAX_CHAIN_LENGTH && !isSelfSigned(current);) {
    const issuer = pickIssuer(
      current,
      pool.filter((candidate) => !chain.includes(candidate)),
    );
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return { chain, unrelated: pool.filter((c) => !chain.includes(c)) };
}

/** Among several certificates of the same CA (renewed, cross-certified), a self-signed one ends the path; else the longest-lived. */
function pickIssuer(certificate: Certificate, candidates: readonly Certificate[]): Certificate | undefined {
  const aki = authorityKeyIdentifier(certificate);
  const issuers = candidates.filter(
    (candidate) =>
      bytesEqual(candidate.subjectDer, certificate.issuerDer) &&
      (aki === undefined ||
        candidate.subjectKeyIdentifier === undefined ||
        bytesEqual(aki, candidate.subjectKeyIdentifier)) &&
      issuedBy(certificate, candidate),
  );
  return issuers.sort(
    (a, b) => Number(isSelfSigned(b)) - Number(isSelfSigned(a)) || b.notAfter.getTime() - a.notAfter.getTime(),
  )[0];
}
