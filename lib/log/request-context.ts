import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/** The header that carries a request's id: to the app on the request, to the client on the answer. */
export const REQUEST_ID_HEADER = "x-request-id";

/** What a request id sent by a trusted proxy may look like to be kept (a UUID, a trace id, `host:123.456`…). */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id as written, when it is one Signet would keep; null for anything else (absent, repeated, too long, odd characters). */
export function wellFormedRequestId(value: string | string[] | null | undefined): string | null {
  return typeof value === "string" && WELL_FORMED.test(value) ? value : null;
}

/**
 * The id of one request: a fresh UUID, or, behind a trusted proxy (SIGNET_TRUST_PROXY=1), the
 * well-formed X-Request-Id that proxy sent, so that its log and ours name the request alike.
 * Without a trusted proxy a client's id is never kept: anyone could reuse one to muddle the log.
 */
export function requestIdFor(incoming: string | string[] | undefined, trustProxy: boolean): string {
  return (trustProxy ? wellFormedRequestId(incoming) : null) ?? randomUUID();
}

type RequestContext = { requestId: string };

/**
 * One store per process, on globalThis: the server's bundle and Next.js's server chunks load
 * this module as separate instances, and a line logged inside the app must find the id the edge set.
 */
const KEY = Symbol.for("signet.requestContext");

function storage(): AsyncLocalStorage<RequestContext> {
  const g = globalThis as typeof globalThis & { [KEY]?: AsyncLocalStorage<RequestContext> };
  return (g[KEY] ??= new AsyncLocalStorage<RequestContext>());
}

/** Runs `fn` (and everything it starts) as the handling of request `requestId`. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage().run({ requestId }, fn);
}

/** The id of the request being handled here, if any: the logger adds it to every line. */
export function currentRequestId(): string | undefined {
  return storage().getStore()?.requestId;
}
