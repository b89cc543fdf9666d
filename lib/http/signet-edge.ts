import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_ADDRESS_HEADER, connectionClientAddress } from "@/lib/auth/client-address";
import { logAccess, loggedPath } from "@/lib/log/access-log";
import { log, type Logger } from "@/lib/log/logger";
import { REQUEST_ID_HEADER, requestIdFor, runWithRequestId } from "@/lib/log/request-context";
import { bodyLimitFor, type BodyLimit, type BodyLimitSettings } from "@/lib/http/body-limit";
import { contentSecurityPolicy, newNonce, strictTransportSecurity } from "@/lib/http/security-headers";

export type EdgeSettings = BodyLimitSettings & {
  trustProxy: boolean;
  publicUrl: string;
  dev: boolean;
  /** Where the access log and the edge's own lines go; Signet's logger unless a test hands in its own. */
  logger?: Logger;
};

/** Next.js's request handler (`app.getRequestHandler()`), or anything shaped like it. */
export type AppHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Answers one request: `expectsContinue` when the client waits for "100 Continue" before it sends the body. */
export type EdgeHandler = (req: IncomingMessage, res: ServerResponse, options?: { expectsContinue?: boolean }) => void;

/**
 * What Signet's HTTP server does to every request before the app sees it:
 * - the body is held to its route's cap (lib/http/body-limit): a declared length past it is
 *   refused with 413 before a byte of the body is read, and a body without a length (chunked)
 *   is counted as it arrives and cut off at the cap;
 * - the client's address is written from the connection into CLIENT_ADDRESS_HEADER (and
 *   X-Forwarded-For), replacing whatever the client sent (lib/auth/client-address); without a
 *   trusted proxy, the client's other forwarded claims (host, scheme, port) are dropped;
 * - the answer gets a Content-Security-Policy with a fresh nonce, which Next.js applies to its
 *   scripts, and Strict-Transport-Security when Signet is served over https;
 * - the request gets an id (lib/log/request-context): in X-Request-Id on the request, which the
 *   app puts in the audit entries it writes, and on the answer; every line logged while the app
 *   handles the request carries it;
 * - once the answer is sent (or the connection is lost), one access-log line (lib/log/access-log).
 */
export function signetEdge(app: AppHandler, settings: EdgeSettings): EdgeHandler {
  const hsts = strictTransportSecurity(settings.publicUrl);
  const https = hsts !== undefined;
  const logger = settings.logger ?? log;
  return (req, res, options = {}) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFor(req.headers[REQUEST_ID_HEADER], settings.trustProxy);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader("X-Request-Id", requestId);
    const forwardedFor = req.headers["x-forwarded-for"];
    const address = connectionClientAddress(
      req.socket.remoteAddress,
      Array.isArray(forwardedFor) ? forwardedFor.join(", ") : forwardedFor,
      settings.trustProxy,
    );
    logAccessWhenDone(req, res, logger, { requestId, address, started });

    const limit = bodyLimitFor(req.url ?? "/", settings);
    const declared = declaredLength(req);
    if (declared !== null && declared > limit.maxBytes) return refuse(res, limit);
    if (declared === null && req.headers["transfer-encoding"] !== undefined)
      capWhileStreaming(req, res, limit, (fields, msg) => logger.warn({ requestId, ...fields }, msg));

    delete req.headers[CLIENT_ADDRESS_HEADER];
    delete req.headers["x-forwarded-for"];
    // Without a trusted proxy, what a client claims about the host, scheme or its address is not believed (Auth.js builds URLs from X-Forwarded-Host).
    if (!settings.trustProxy) for (const name of CLIENT_FORWARDED_CLAIMS) delete req.headers[name];
    if (address !== null) {
      req.headers[CLIENT_ADDRESS_HEADER] = address;
      req.headers["x-forwarded-for"] = address;
    }

    const policy = contentSecurityPolicy(newNonce(), { dev: settings.dev, https });
    // Next.js takes the nonce for the scripts it renders from the request's copy of the policy.
    req.headers["content-security-policy"] = policy;
    delete req.headers["content-security-policy-report-only"];
    res.setHeader("Content-Security-Policy", policy);
    if (hsts !== undefined) res.setHeader("Strict-Transport-Security", hsts);

    if (options.expectsContinue === true) res.writeContinue();
    runWithRequestId(requestId, () =>
      app(req, res).catch((error: unknown) => {
        logger.error(
          // pino's err serializer: type, message and stack, with any cause appended.
          { requestId, err: error instanceof Error ? error : String(error) },
          "request failed",
        );
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      }),
    );
  };
}

/**
 * Counts the body bytes the answer hands to the connection and writes the request's access-log
 * line once: when the answer is finished, or when the connection closes before it is.
 */
function logAccessWhenDone(
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
  request: { requestId: string; address: string | null; started: bigint },
): void {
  let bytes = 0;
  const write = res.write as (...args: unknown[]) => boolean;
  const end = res.end as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    bytes += byteLength(chunk, rest[0]);
    return write.call(res, chunk, ...rest);
  }) as ServerResponse["write"];
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    bytes += byteLength(chunk, rest[0]);
    return end.call(res, chunk, ...rest);
  }) as ServerResponse["end"];

  let logged = false;
  const done = () => {
    if (logged) return;
    logged = true;
    const aborted = !res.writableFinished;
    logAccess(logger, {
      requestId: request.requestId,
      method: req.method ?? "",
      url: req.url ?? "",
      status: res.headersSent ? res.statusCode : null,
      durationMs: Math.round(Number(process.hrtime.bigint() - request.started) / 10_000) / 100,
      // Node sends no body with these, whatever was written.
      bytes: req.method === "HEAD" || res.statusCode === 204 || res.statusCode === 304 ? 0 : bytes,
      clientAddress: request.address,
      aborted,
    });
  };
  res.once("finish", done);
  res.once("close", done);
}

/** The bytes of a chunk handed to write() or end(); a callback in its place counts nothing. */
function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === "string")
    return Buffer.byteLength(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

const CLIENT_FORWARDED_CLAIMS = [
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "forwarded",
  "x-real-ip",
] as const;

/** Content-Length as a number; null when the body has no declared length (or there is no body). */
function declaredLength(req: IncomingMessage): number | null {
  const header = req.headers["content-length"];
  if (header === undefined) return null;
  // Node's parser has already refused a malformed or contradictory length.
  return Number(header);
}

/** 413 with the route's refusal, and the connection closes once it is sent: the body is never read. */
function refuse(res: ServerResponse, limit: BodyLimit): void {
  const error = limit.refusal();
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  res.shouldKeepAlive = false;
  res.writeHead(413, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    Connection: "close",
  });
  res.end(body);
}

/**
 * Counts a body that declared no length as Node's parser hands it over (IncomingMessage#push),
 * before anything downstream buffers it. Past the cap nothing more is passed on, the socket
 * stops being read, a 413 goes out if no answer has started, and the connection is closed.
 */
function capWhileStreaming(
  req: IncomingMessage,
  res: ServerResponse,
  limit: BodyLimit,
  warn: (fields: Record<string, unknown>, msg: string) => void,
): void {
  let received = 0;
  let cut = false;
  const push = req.push.bind(req);
  req.push = (chunk: Buffer | null, encoding?: BufferEncoding): boolean => {
    if (chunk === null) return push(chunk, encoding);
    received += chunk.length;
    if (received <= limit.maxBytes) return push(chunk, encoding);
    if (!cut) {
      cut = true;
      warn({ maxBytes: limit.maxBytes, path: loggedPath(req.url ?? "") }, "request body cut off at its route's cap");
      if (res.headersSent) req.socket.destroy();
      else {
        refuse(res, limit);
        res.once("finish", () => req.socket.destroy());
      }
    }
    // false: the parser stops reading the socket.
    return false;
  };
}
