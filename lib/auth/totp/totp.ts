import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) with node:crypto. Signet's authenticator codes are the
 * common profile every authenticator app supports: HMAC-SHA-1, 6 digits, 30-second steps.
 */
export type HmacAlgorithm = "sha1" | "sha256" | "sha512";
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** Codes of the previous and the next step are accepted too, for clocks that drift a little. */
export const TOTP_WINDOW = 1;

export function hotp(
  secret: Uint8Array,
  counter: number,
  digits = TOTP_DIGITS,
  algorithm: HmacAlgorithm = "sha1",
): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The TOTP time step (T in RFC 6238) at a moment given in milliseconds since the epoch. */
export function totpStep(timeMs: number, periodSeconds = TOTP_PERIOD_SECONDS): number {
  return Math.floor(timeMs / 1000 / periodSeconds);
}

export function totpAt(
  secret: Uint8Array,
  timeMs: number,
  options: { digits?: number; algorithm?: HmacAlgorithm } = {},
): string {
  return hotp(secret, totpStep(timeMs), options.digits ?? TOTP_DIGITS, options.algorithm ?? "sha1");
}

/** Digits only: people type spaces ("123 456"); anything else makes the code malformed. */
export function normaliseTotpCode(code: string): string | null {
  const digits = code.replace(/[\s-]/g, "");
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(digits) ? digits : null;
}

/**
 * The step whose code this is (within ±TOTP_WINDOW of now), or null. Steps at or before
 * `lastUsedStep` are never accepted, so a code (or an older one) cannot be used twice.
 */
export function matchTotp(
  secret: Uint8Array,
  code: string,
  timeMs: number,
  lastUsedStep: number | null,
): number | null {
  const digits = normaliseTotpCode(code);
  if (digits === null) return null;
  const now = totpStep(timeMs);
  let matched: number | null = null;
  // Compare against every candidate (no early exit) so timing says nothing about which one matched.
  for (let delta = -TOTP_WINDOW; delta <= TOTP_WINDOW; delta++) {
    const step = now + delta;
    const same = timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(digits));
    if (same && (lastUsedStep === null || step > lastUsedStep) && matched === null) matched = step;
  }
  return matched;
}
