import { SignetError } from "@/lib/engine/errors";

export type OutboundErrorCode =
  "outbound.destination_refused" | "outbound.unreachable" | "outbound.response_too_large" | "outbound.bad_allow_list";

/**
 * A failed outbound request. The messages are deliberately coarse: whoever aimed the request
 * (an organisation administrator) learns that a destination is not allowed or could not be
 * reached, never whether a port refused, reset or spoke bad TLS. The network detail, when
 * there is one, is kept in `detail` for the server log only.
 */
export class OutboundError extends SignetError {
  declare readonly code: OutboundErrorCode;
  /** For the operator's log (e.g. "ECONNREFUSED"); never shown to users. */
  readonly detail: string | undefined;

  constructor(code: OutboundErrorCode, message: string, options: { detail?: string; status?: number } = {}) {
    super(code, message, { status: options.status ?? 502 });
    this.detail = options.detail;
  }
}

export const DESTINATION_NOT_ALLOWED = "destination not allowed";

export function destinationRefused(detail?: string): OutboundError {
  return new OutboundError("outbound.destination_refused", DESTINATION_NOT_ALLOWED, { detail, status: 400 });
}
