import { requestClientAddress } from "@/lib/auth/client-address";
import { readSettings } from "@/lib/config/settings";
import { getDb } from "@/lib/db/client";
import { isSignetError, userMessage } from "@/lib/engine/errors";
import { log } from "@/lib/log/logger";
import { PublicVerifyError, VerifyBusyError, VerifyRateLimitedError } from "@/lib/public-verify/public-verify-errors";
import { verifyRequest } from "@/lib/public-verify/verify-request";

export const dynamic = "force-dynamic";

/**
 * Public, no account: the PDF is the request body (application/pdf or application/octet-stream);
 * the answer is the JSON report of `signet verify --json`, with Signet's trust and records.
 * 413 over SIGNET_VERIFY_MAX_MB, 429 (with Retry-After) over SIGNET_VERIFY_RATE_LIMIT per
 * client address per 15 minutes, 400 for a file that is not a PDF, 422 for one that cannot be
 * read, 503 (with Retry-After) while every verification worker is busy; errors are `{ "error": { "code", "message" } }`, as the CLI prints them.
 * The file is verified in memory and never stored or logged.
 */
export async function POST(request: Request): Promise<Response> {
  const settings = readSettings();
  try {
    const report = await verifyRequest(
      await getDb(),
      {
        body: request.body,
        contentType: request.headers.get("content-type"),
        contentLength: request.headers.get("content-length"),
        clientAddress: requestClientAddress(request.headers),
      },
      settings,
    );
    return Response.json(report, { headers: NO_STORE });
  } catch (error) {
    // The connection is gone (the client hung up, or the server cut off a body past its cap): no one to answer, nothing failed here.
    if (request.signal.aborted && !isSignetError(error)) {
      log.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        "public verification: the client's connection closed before its body arrived",
      );
      return new Response(null, { status: 400, headers: NO_STORE });
    }
    return verifyErrorResponse(error);
  }
}

const NO_STORE = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

function verifyErrorResponse(error: unknown): Response {
  // A refusal (a busy pool included: 503 is an answer, not a failure) carries its own status.
  if (error instanceof PublicVerifyError || (isSignetError(error) && error.status < 500)) {
    const headers: Record<string, string> = { ...NO_STORE };
    if (error instanceof VerifyRateLimitedError || error instanceof VerifyBusyError)
      headers["Retry-After"] = String(error.retryAfterSeconds);
    if (error instanceof VerifyBusyError)
      log.warn({ code: error.code }, "public verification refused: every worker is busy and the queue is full");
    return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status, headers });
  }
  // Never the file's content: only what failed.
  log.error(
    { err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) },
    "public verification failed",
  );
  return Response.json(
    { error: { code: isSignetError(error) ? error.code : "verify.failed", message: userMessage(error) } },
    { status: 500, headers: NO_STORE },
  );
}
