/**
 * The trust anchors `signet verify` uses when no --trust is given: the operating system's
 * bundle of root certificates, as OpenSSL finds it (SSL_CERT_FILE, then the distributions'
 * usual paths), or else the roots Node ships (tls.rootCertificates, Mozilla's list).
 */
import fs from "node:fs";
import tls from "node:tls";
import { readPemBlocks } from "@/lib/engine/pki";
import { parseCertificate, type Certificate } from "@/lib/engine/pki";

/** Debian/Ubuntu, Fedora/RHEL, openSUSE, Alpine/macOS. */
const BUNDLE_PATHS = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/ssl/cert.pem",
];

/** `source`: the bundle's path, or "node" for Node's own roots. */
export type TrustStore = { source: string; description: string; certificates: Certificate[] };

export function systemTrustStore(env: Readonly<Record<string, string | undefined>> = process.env): TrustStore {
  const candidates = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : BUNDLE_PATHS;
  for (const file of candidates) {
    let text: string;
    try {
      text = fs.readFileSync(file, "latin1");
    } catch {
      continue;
    }
    const certificates = certificatesIn(text);
    if (certificates.length > 0)
      return { source: file, description: `the operating system's trust store (${file})`, certificates };
  }
  return {
    source: "node",
    description: "the root certificates bundled with Node.js (Mozilla's list)",
    certificates: certificatesIn(tls.rootCertificates.join("\n")),
  };
}

/** A root this parser cannot read (an unusual algorithm) is left out rather than failing every verification. */
function certificatesIn(text: string): Certificate[] {
  const certificates: Certificate[] = [];
  for (const block of readPemBlocks(text)) {
    if (!/^(X509 |TRUSTED )?CERTIFICATE$/.test(block.label) || block.der.length === 0) continue;
    try {
      certificates.push(parseCertificate(block.der));
    } catch {
      // skipped: see above
    }
  }
  return certificates;
}
