import type { Logger } from "pino";

/** One answered (or abandoned) request, as the access log records it. */
export type AccessEntry = {
  requestId: string;
  method: string;
  /** The request's URL as received (req.url); logged through loggedPath. */
  url: string;
  /** The status sent; null when the connection closed before an answer was started. */
  status: number | null;
  durationMs: number;
  /** Response body bytes handed to the connection. */
  bytes: number;
  /** The client's address as the edge worked it out (lib/auth/client-address); null when it could not tell. */
  clientAddress: string | null;
  /** True when the connection closed before the answer was complete. */
  aborted: boolean;
};

/** The message of every access-log line: filter on it, or on `kind: "access"`. */
export const ACCESS_LOG_MESSAGE = "request";

/**
 * Load-balancer and scraper probes: logged at debug while they succeed, so that a probe every few
 * seconds does not drown the log; a failing probe is logged like any other request.
 */
const PROBE_PATHS = new Set(["/api/health", "/api/ready", "/metrics"]);

/** Writes the access-log line of one request. */
export function logAccess(logger: Logger, entry: AccessEntry): void {
  const path = loggedPath(entry.url);
  const level =
    PROBE_PATHS.has(path) && entry.status !== null && entry.status < 400 && !entry.aborted ? "debug" : "info";
  logger[level](
    {
      kind: "access",
      requestId: entry.requestId,
      method: entry.method,
      path,
      status: entry.status,
      durationMs: entry.durationMs,
      bytes: entry.bytes,
      clientAddress: entry.clientAddress,
      ...(entry.aborted ? { aborted: true } : {}),
    },
    ACCESS_LOG_MESSAGE,
  );
}

/**
 * Path segments that hold a secret: the segment after each of these is replaced by REDACTED.
 * `/invite/<token>`: the invitation token is a bearer secret (it makes its holder a member).
 * Query strings are never logged (Auth.js and Next.js carry tokens and state there).
 */
const SECRET_FOLLOWS = new Set(["invite"]);
const REDACTED = "[redacted]";
const MAX_PATH_CHARS = 1024;

/**
 * The path of a request URL as the access log shows it: without query string or fragment,
 * percent-decoded (so that an encoded spelling of a secret route is recognised), backslashes
 * read as slashes (as URL parsers do), secret segments redacted, at most MAX_PATH_CHARS long.
 */
export function loggedPath(url: string): string {
  let path = url.split(/[?#]/, 1)[0] ?? "";
  // Absolute-form request target (`GET http://host/path`): its path.
  if (!path.startsWith("/") && !path.startsWith("\\")) path = absoluteFormPath(path);
  const segments = decodePercent(path).replaceAll("\\", "/").split("/");
  const shown = [...segments];
  segments.forEach((segment, i) => {
    if (!SECRET_FOLLOWS.has(segment.toLowerCase())) return;
    // The next segment that names something: "", "." and ".." are skipped, so `/invite/./<token>` is caught too.
    const next = segments.findIndex((s, j) => j > i && s !== "" && s !== "." && s !== "..");
    if (next !== -1) shown[next] = REDACTED;
  });
  const logged = shown.join("/");
  return logged.length <= MAX_PATH_CHARS ? logged : `${logged.slice(0, MAX_PATH_CHARS)}…`;
}

/** A secret route's segment in free text: `/invite/<token>`, `invite%2F<token>`; a route pattern (`/invite/[token]`) is left alone. */
const SECRET_IN_TEXT = new RegExp(
  String.raw`(\b(?:${[...SECRET_FOLLOWS].join("|")})(?:[/\\]|%2F|%5C)+(?:\.{1,2}(?:[/\\]|%2F|%5C)+)*)(?!\[)[^\s/\\?#&"'<>]+`,
  "gi",
);

/**
 * Text that may quote a request's URL (Next.js's development request log, an error message)
 * with the secret segments redacted as loggedPath does; lib/log/console-to-log applies it to
 * everything it routes into the log.
 */
export function redactSecretPaths(text: string): string {
  return text.replace(SECRET_IN_TEXT, `$1${REDACTED}`);
}

function absoluteFormPath(target: string): string {
  try {
    return new URL(target).pathname;
  } catch {
    return `/${target}`;
  }
}

/** Percent-decodes every run of escapes that decodes; a malformed one stays as written. */
function decodePercent(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
