import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether an Authorization header carries `Bearer <expected>`. Both sides are hashed first, so
 * the comparison takes the same time whatever the header holds, its length included.
 */
export function bearerTokenMatches(authorization: string | null, expected: string): boolean {
  const given = /^Bearer +(\S+) *$/i.exec(authorization ?? "")?.[1];
  const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();
  const same = timingSafeEqual(sha256(given ?? ""), sha256(expected));
  return same && given !== undefined;
}
