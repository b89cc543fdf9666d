/**
 * Does the validation data cover a certification path, as PAdES B-LT requires?
 * Every certificate of the path but the root (or trust anchor) needs an OCSP
 * response or a CRL about it; the path must end at a root or an anchor; a
 * self-signed signer certificate can never be covered.
 * Matching only: OCSP responder and CRL signatures are not verified.
 */
import { createHash } from "node:crypto";
import { bytesEqual, readChildren, readSingle, toHex } from "@/lib/engine/asn1/der";
import type { Certificate } from "@/lib/engine/pki/certificate";
import { OID } from "@/lib/engine/asn1/oids";
import { isSelfSigned } from "@/lib/engine/pki/self-signed";
import type { RevocationCoverage } from "@/lib/engine/verify/verification-report";
import type { ValidationData } from "@/lib/engine/verify/ltv/validation-data";

export interface Coverage {
  complete: boolean;
  revocation: RevocationCoverage[];
  problems: string[];
}

const NODE_HASH: Record<string, string> = {
  [OID.sha1]: "sha1",
  [OID.sha256]: "sha256",
  [OID.sha384]: "sha384",
  [OID.sha512]: "sha512",
};

export function revocationCoverage(
  path: readonly Certificate[],
  data: ValidationData,
  anchors: readonly Certificate[],
): Coverage {
  const problems: string[] = [];
  const revocation: RevocationCoverage[] = [];
  const last = path[path.length - 1];
  if (last === undefined)
    return { complete: false, revocation, problems: ["The signer's certificate is not available."] };
  const lastIsRoot = isSelfSigned(last) || anchors.some((a) => bytesEqual(a.der, last.der));
  if (path.length === 1 && lastIsRoot) {
    problems.push("A self-signed certificate has no revocation data, so the signature cannot reach B-LT.");
    return { complete: false, revocation, problems };
  }
  if (!lastIsRoot) problems.push("The certificate chain does not reach a root certificate.");
  const needing = lastIsRoot ? path.slice(0, -1) : path;
  needing.forEach((certificate, i) => {
    const found = findRevocationData(certificate, path[i + 1], data);
    revocation.push({ subject: certificate.subject, ...found });
    if (found.status === "missing") problems.push(`The DSS holds no revocation data for "${certificate.subject}".`);
  });
  return { complete: lastIsRoot && revocation.every((r) => r.status !== "missing"), revocation, problems };
}

function findRevocationData(
  certificate: Certificate,
  issuer: Certificate | undefined,
  data: ValidationData,
): Omit<RevocationCoverage, "subject"> {
  const serial = certificate.serialNumberDer;
  for (const response of data.ocspResponses) {
    const hash = NODE_HASH[response.hashAlgorithm];
    if (hash === undefined || !bytesEqual(response.serialNumberDer, serial)) continue;
    if (!bytesEqual(response.issuerNameHash, createHash(hash).update(certificate.issuerDer).digest())) continue;
    const keyBits = issuer ? publicKeyBits(issuer) : undefined;
    if (keyBits && !bytesEqual(response.issuerKeyHash, createHash(hash).update(keyBits).digest())) continue;
    return { source: "ocsp", status: response.status, revocationTime: response.revocationTime?.toISOString() };
  }
  const serialHex = toHex(serial);
  for (const crl of data.crls) {
    if (!bytesEqual(crl.issuerDer, certificate.issuerDer)) continue;
    const revokedAt = crl.revoked.get(serialHex);
    return revokedAt
      ? { source: "crl", status: "revoked", revocationTime: revokedAt.toISOString() }
      : { source: "crl", status: "good" };
  }
  return { status: "missing" };
}

/** The subjectPublicKey BIT STRING's value without its unused-bits byte (what OCSP's issuerKeyHash hashes). */
function publicKeyBits(certificate: Certificate): Uint8Array | undefined {
  try {
    const bits = readChildren(readSingle(certificate.spki))[1];
    return bits?.content.subarray(1);
  } catch {
    return undefined;
  }
}
