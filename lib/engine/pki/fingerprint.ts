/** Certificate fingerprints: SHA-256 of the DER, as lowercase hex, and display forms. */
import { createHash } from "node:crypto";

export function sha256Fingerprint(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("hex");
}

/** "AB:CD:EF:…" (uppercase, colon-separated), optionally only the first `bytes` bytes (a short form for seal stamps). */
export function formatFingerprint(hex: string, options: { bytes?: number } = {}): string {
  const pairs = hex.toUpperCase().match(/../g) ?? [];
  return (options.bytes ? pairs.slice(0, options.bytes) : pairs).join(":");
}
