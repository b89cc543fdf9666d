import { createHash, randomBytes } from "node:crypto";

/**
 * Recovery codes: ten per person, shown once, each usable once. 15 characters of Crockford's
 * base32 (75 random bits) in three groups, e.g. "7k2mq-9xw4d-h3ptr". Only a SHA-256 of the
 * normalised code (with the user id, so equal codes of two people hash differently) is stored.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const LENGTH = 15;

export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(LENGTH);
    const chars = Array.from(bytes, (b) => ALPHABET[b & 31]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5, 10)}-${chars.slice(10)}`;
  });
}

/** Lower case, without separators; the letters people confuse with digits are read as the digits. */
export function normaliseRecoveryCode(code: string): string | null {
  const clean = code.toLowerCase().replace(/[\s-]/g, "").replace(/o/g, "0").replace(/[il]/g, "1");
  return clean.length === LENGTH && [...clean].every((c) => ALPHABET.includes(c)) ? clean : null;
}

export function looksLikeRecoveryCode(code: string): boolean {
  return normaliseRecoveryCode(code) !== null;
}

export function hashRecoveryCode(userId: string, code: string): string | null {
  const normalised = normaliseRecoveryCode(code);
  if (normalised === null) return null;
  return createHash("sha256").update(`signet-recovery-code/v1\0${userId}\0${normalised}`, "utf8").digest("hex");
}
