import type { RequestMeta } from "@/lib/audit/append-audit";
import { requestClientAddress } from "@/lib/auth/client-address";
import { REQUEST_ID_HEADER, wellFormedRequestId } from "@/lib/log/request-context";

/**
 * The audit log's view of a request, from the headers Signet's HTTP edge wrote
 * (lib/http/signet-edge): the client's address, its user agent, and the request's id.
 */
export function requestMetaFrom(headers: { get(name: string): string | null }): RequestMeta {
  return {
    ip: requestClientAddress(headers),
    userAgent: headers.get("user-agent")?.slice(0, 300) ?? null,
    requestId: wellFormedRequestId(headers.get(REQUEST_ID_HEADER)),
  };
}
