import http, { type IncomingHttpHeaders } from "node:http";
import https from "node:https";
import { assertAllowedDestination } from "@/lib/outbound/destination-check";
import { guardedLookup, type OutboundPolicy } from "@/lib/outbound/guarded-lookup";
import { parseIpAddress } from "@/lib/outbound/ip-address";
import { OutboundError } from "@/lib/outbound/outbound-errors";

export type OutboundRequest = {
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** For the whole exchange: connection, request and the response body read. */
  timeoutMs?: number;
  /** How much of the response body to read (an answer that is longer fails); 0, the default: none. */
  maxResponseBytes?: number;
  policy: OutboundPolicy;
};

export type OutboundResponse = { status: number; headers: IncomingHttpHeaders; body: Buffer };

function unreachable(detail: string): OutboundError {
  return new OutboundError("outbound.unreachable", "could not reach the destination", { detail });
}

function networkDetail(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "timeout";
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.message : "network error";
}

/**
 * One HTTP(S) request to a destination a user chose (a webhook, later OCSP, CRL and OIDC
 * discovery), which never reaches loopback, private, link-local or other internal addresses
 * unless the operator allowed them (SECURITY.md, invariant 18): a literal IP is checked here,
 * a name is checked by the socket's own lookup, at connection time, and the socket connects to
 * the address that was checked. Redirects are returned, never followed (a Location could point
 * anywhere). Every failure is an OutboundError with a coarse message.
 */
export async function guardedRequest(target: string | URL, request: OutboundRequest): Promise<OutboundResponse> {
  const url = new URL(target);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new OutboundError("outbound.destination_refused", "destination not allowed", {
      detail: `scheme ${url.protocol}`,
      status: 400,
    });
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  if (parseIpAddress(hostname) !== null) assertAllowedDestination(hostname, [hostname], request.policy.allow);

  const timeoutMs = request.timeoutMs ?? 10_000;
  const maxResponseBytes = request.maxResponseBytes ?? 0;
  const body =
    request.body === undefined
      ? undefined
      : typeof request.body === "string"
        ? Buffer.from(request.body, "utf8")
        : Buffer.from(request.body);
  const transport = url.protocol === "https:" ? https : http;

  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error instanceof OutboundError ? error : unreachable(networkDetail(error)));
    };
    const req = transport.request(
      {
        protocol: url.protocol,
        hostname,
        port: url.port === "" ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: { ...request.headers, ...(body === undefined ? {} : { "Content-Length": String(body.length) }) },
        lookup: guardedLookup(request.policy),
        // A fresh connection per request: a pooled socket would skip the check for its next user.
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (maxResponseBytes === 0) {
          res.destroy();
          settled = true;
          resolve({ status, headers: res.headers, body: Buffer.alloc(0) });
          return;
        }
        const chunks: Buffer[] = [];
        let length = 0;
        res.on("data", (chunk: Buffer) => {
          length += chunk.length;
          if (length > maxResponseBytes) {
            res.destroy();
            if (!settled) {
              settled = true;
              reject(
                new OutboundError("outbound.response_too_large", "the answer was too large", {
                  detail: `more than ${maxResponseBytes} bytes`,
                }),
              );
            }
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          if (settled) return;
          settled = true;
          resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on("error", fail);
      },
    );
    req.on("error", fail);
    req.end(body);
  });
}
