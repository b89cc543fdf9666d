import "server-only";
import { headers } from "next/headers";
import type { RequestMeta } from "@/lib/audit/append-audit";
import { requestClientAddress } from "@/lib/auth/client-address";

/** The caller's address (as Signet's HTTP server wrote it from the connection) and user agent, for throttling and the audit log. */
export async function requestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}

export function requestMetaFrom(h: Headers): RequestMeta {
  return {
    ip: requestClientAddress(h),
    userAgent: h.get("user-agent")?.slice(0, 300) ?? null,
  };
}
