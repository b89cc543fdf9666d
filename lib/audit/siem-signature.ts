import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The signature a SIEM webhook carries in X-Signet-Signature: "sha256=" and the hex
 * HMAC-SHA256, keyed with the webhook secret (its UTF-8 text), over
 * "<X-Signet-Timestamp>.<raw request body>". Binding the timestamp lets a receiver refuse
 * replays older than a few minutes.
 */
export function siemSignature(secret: Uint8Array, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex")}`;
}

/** What a receiver does (and what the tests do): constant-time comparison, optional freshness. */
export function verifySiemSignature(
  secret: Uint8Array,
  headers: { signature: string | null; timestamp: string | null },
  body: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const { signature, timestamp } = headers;
  if (signature === null || timestamp === null || !/^\d+$/.test(timestamp)) return false;
  if (options.toleranceSeconds !== undefined) {
    const now = Math.floor((options.now ?? Date.now()) / 1000);
    if (Math.abs(now - Number(timestamp)) > options.toleranceSeconds) return false;
  }
  const expected = Buffer.from(siemSignature(secret, timestamp, body), "utf8");
  const given = Buffer.from(signature, "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}
