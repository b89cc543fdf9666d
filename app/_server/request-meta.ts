import "server-only";
import { headers } from "next/headers";
import type { RequestMeta } from "@/lib/audit/append-audit";
import { readSettings } from "@/lib/config/settings";
import { clientAddressFrom } from "@/lib/auth/client-address";

/** The caller's address and user agent, for throttling and the audit log. */
export async function requestMeta(): Promise<RequestMeta> {
  return requestMetaFrom(await headers());
}

export function requestMetaFrom(h: Headers): RequestMeta {
  return {
    ip: clientAddressFrom(h.get("x-forwarded-for"), readSettings().trustProxy),
    userAgent: h.get("user-agent")?.slice(0, 300) ?? null,
  };
}
