import type { Db } from "@/lib/db/client";
import type { VerificationReport } from "@/lib/engine/verify";
import { ByteLimitError, readAtMost } from "@/lib/streams/bounded-read";
import {
  VerifyEmptyError,
  VerifyTooLargeError,
  VerifyUnsupportedTypeError,
} from "@/lib/public-verify/public-verify-errors";
import { consumeRateLimit, verifyRateLimitKey, VERIFY_WINDOW_SECONDS } from "@/lib/public-verify/rate-limit";
import { verifyUpload } from "@/lib/public-verify/verify-upload";

export type PublicVerifySettings = { publicUrl: string; verifyMaxBytes: number; verifyRateLimit: number };

export type VerifyRequestInput = {
  body: ReadableStream<Uint8Array> | null;
  contentType: string | null;
  contentLength: string | null;
  /** The client's address as lib/auth/client-address reads it (null when unknown). */
  clientAddress: string | null;
};

/**
 * The public verification's answer: the report of `signet verify --json`, whose `trustCheck` names
 * what trust was checked against — here Signet's own ("signet": certificates Signet manages and
 * those issued under an organisation's registered CA chain), where the CLI says "given", "system"
 * or "skipped".
 */
export type PublicVerificationAnswer = VerificationReport & { trustCheck: { mode: "signet" } };

const ACCEPTED_TYPES = new Set(["application/pdf", "application/octet-stream", "application/x-pdf"]);

/**
 * One public verification, in the order that costs an abuser the most and us the least:
 * count it against the client's address (refused beyond the limit, before anything is read),
 * check the declared type and size, read the body into memory under the size limit, verify.
 * Used by POST /api/v1/verify, which the /verify page calls too.
 */
export async function verifyRequest(
  db: Db,
  input: VerifyRequestInput,
  settings: PublicVerifySettings,
  options: { now?: Date } = {},
): Promise<PublicVerificationAnswer> {
  await consumeRateLimit(db, verifyRateLimitKey(input.clientAddress), {
    limit: settings.verifyRateLimit,
    windowSeconds: VERIFY_WINDOW_SECONDS,
  });
  const type = input.contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type !== "" && !ACCEPTED_TYPES.has(type)) throw new VerifyUnsupportedTypeError();
  const declared = input.contentLength === null ? NaN : Number(input.contentLength);
  if (Number.isFinite(declared) && declared > settings.verifyMaxBytes)
    throw new VerifyTooLargeError(settings.verifyMaxBytes);
  const pdf = await readBody(input.body, settings.verifyMaxBytes);
  // The body was read into memory of its own: it moves to the verification worker uncopied.
  const report = await verifyUpload(db, pdf, { publicUrl: settings.publicUrl, now: options.now, handOverPdf: true });
  return { ...report, trustCheck: { mode: "signet" } };
}

/**
 * Reads the body into memory under the size limit, cancelling the stream past it. The bytes
 * are kept in memory only: nothing is written anywhere.
 */
async function readBody(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (body === null) throw new VerifyEmptyError();
  const bytes = await readAtMost(body, maxBytes).catch((error: unknown) => {
    throw error instanceof ByteLimitError ? new VerifyTooLargeError(maxBytes) : error;
  });
  if (bytes.byteLength === 0) throw new VerifyEmptyError();
  return bytes;
}
