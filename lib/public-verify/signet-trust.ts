import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import { parseCertificate, parseCertificates, type Certificate } from "@/lib/engine/pki";

/**
 * What Signet recognises as trusted, from its own records: every CA certificate that an
 * organisation uploaded as the chain of one of its certificates (SigningCertificate.chainPem),
 * and the self-signed testing certificates enrolled under an organisation's testing policy.
 * Certificates Signet manages that a CA issued chain to those CA certificates.
 */
export type SignetTrust = {
  anchors: Certificate[];
  /** SHA-256 fingerprint of each anchor → the organisations whose records hold it. */
  organisationsOf: Map<string, string[]>;
};

/** Parsed chains, by their PEM text: chains rarely change and parsing is the expensive part. */
const parsedChains = new Map<string, Certificate[]>();
const MAX_CACHED_CHAINS = 1000;

export async function loadSignetTrust(db: Db): Promise<SignetTrust> {
  const [chains, selfSigned] = await Promise.all([
    db.signingCertificate.findMany({
      where: { chainPem: { not: "" } },
      distinct: ["orgId", "chainPem"],
      select: { chainPem: true, org: { select: { name: true } } },
    }),
    db.signingCertificate.findMany({
      where: { selfSigned: true },
      select: { der: true, org: { select: { name: true } } },
    }),
  ]);
  const anchors = new Map<string, Certificate>();
  const organisationsOf = new Map<string, string[]>();
  const add = (certificate: Certificate, organisation: string) => {
    anchors.set(certificate.fingerprintSha256, certificate);
    const names = organisationsOf.get(certificate.fingerprintSha256) ?? [];
    if (!names.includes(organisation)) names.push(organisation);
    organisationsOf.set(certificate.fingerprintSha256, names);
  };
  for (const row of chains) {
    for (const certificate of caCertificatesOf(row.chainPem)) add(certificate, row.org.name);
  }
  for (const row of selfSigned) {
    try {
      add(parseCertificate(new Uint8Array(row.der)), row.org.name);
    } catch (error) {
      log.warn(
        { err: String(error) },
        "a stored self-signed certificate could not be parsed; it is not used as a trust anchor",
      );
    }
  }
  return { anchors: [...anchors.values()], organisationsOf };
}

/** The CA certificates of a stored chain (a leaf that slipped in is never an anchor). */
function caCertificatesOf(chainPem: string): Certificate[] {
  let parsed = parsedChains.get(chainPem);
  if (parsed === undefined) {
    try {
      parsed = parseCertificates(chainPem).filter((c) => c.basicConstraints?.ca === true);
    } catch (error) {
      log.warn({ err: String(error) }, "a stored certificate chain could not be parsed; it is not used for trust");
      parsed = [];
    }
    if (parsedChains.size >= MAX_CACHED_CHAINS) parsedChains.clear();
    parsedChains.set(chainPem, parsed);
  }
  return parsed;
}
