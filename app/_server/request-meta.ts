import "server-only";
import { headers } from "next/headers";
import type { RequestMeta } from "@/lib/audit/append-audit";
import { requestMetaFrom } from "@/lib/http/request-meta";

export { requestMetaFrom };

/** The caller's address (as Signet's HTTP server wrote it from the connection), user agent and request id, for throttling and the audit log. */
export async function requestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}
