import type { SignetError } from "@/lib/engine/errors";
import { UploadTooLargeError } from "@/lib/documents/document-errors";
import { VerifyTooLargeError } from "@/lib/public-verify/public-verify-errors";
import { RequestTooLargeError } from "@/lib/http/http-errors";

export type BodyLimitSettings = { maxUploadBytes: number; verifyMaxBytes: number };

/** The most of a request body the server reads for one route, and the refusal past it. */
export type BodyLimit = { maxBytes: number; refusal: () => SignetError };

/**
 * Every route that has no reason to take a large body: Next.js's server actions (1 MB by default),
 * Auth.js's sign-in callbacks, the certificate and PKCS#12 forms (256 KB files), with room for
 * multipart framing. Nothing unauthenticated may make the server hold more than this.
 */
export const SMALL_BODY_MAX_BYTES = 2 * 1024 * 1024;

/**
 * The cap of the route a request target names. Only the exact paths of the two routes that
 * take files get a larger cap; any other spelling of a path (a trailing slash, `..`, percent
 * escapes, a query string aside) falls to the small cap, so a trick can only make a cap smaller.
 */
export function bodyLimitFor(requestTarget: string, settings: BodyLimitSettings): BodyLimit {
  const pathname = requestTarget.split("?", 1)[0];
  if (pathname === "/api/documents/upload")
    return { maxBytes: settings.maxUploadBytes, refusal: () => new UploadTooLargeError(settings.maxUploadBytes) };
  // The /verify page sends its file here too (it has no server action of its own).
  if (pathname === "/api/v1/verify")
    return { maxBytes: settings.verifyMaxBytes, refusal: () => new VerifyTooLargeError(settings.verifyMaxBytes) };
  return { maxBytes: SMALL_BODY_MAX_BYTES, refusal: () => new RequestTooLargeError(SMALL_BODY_MAX_BYTES) };
}
