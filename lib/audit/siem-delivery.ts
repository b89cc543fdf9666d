import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log/logger";
import type { OutboundPolicy } from "@/lib/outbound/guarded-lookup";
import { guardedRequest } from "@/lib/outbound/guarded-request";
import { DESTINATION_NOT_ALLOWED, OutboundError } from "@/lib/outbound/outbound-errors";
import { auditEntryJson } from "@/lib/audit/audit-entry-json";
import { claimNext, dueOrganisations, markDelivered, markFailed, release } from "@/lib/audit/siem-outbox";
import { openSiemSecret, type SiemKey } from "@/lib/audit/siem-secret";
import { siemSignature } from "@/lib/audit/siem-signature";

export type Backoff = { baseMs: number; capMs: number; random?: () => number };
export const DEFAULT_BACKOFF: Backoff = { baseMs: 10_000, capMs: 60 * 60 * 1000 };

export type SiemDeliveryOptions = {
  key: SiemKey;
  /** Where deliveries may go: never internal addresses unless the operator allowed them (SIGNET_OUTBOUND_ALLOW). */
  outbound: OutboundPolicy;
  /** How long one POST may take. */
  timeoutMs?: number;
  /** How long a claimed row stays reserved for this delivery (longer than timeoutMs). */
  leaseMs?: number;
  backoff?: Backoff;
  /** At most this many entries per organisation per run, so one busy organisation does not starve the others. */
  maxPerOrganisation?: number;
};

/**
 * Delay before the next attempt after `failures` failed attempts: exponential from baseMs,
 * capped, with "equal jitter" (between half and all of it) so that many instances or
 * organisations do not retry in lockstep.
 */
export function retryDelayMs(failures: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  const exponential = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 40));
  return Math.round(exponential / 2 + (backoff.random ?? Math.random)() * (exponential / 2));
}

/**
 * `error` is what the organisation's administrators see (the audit page, the test button): a
 * status code, "destination not allowed", or "could not reach the SIEM" whatever the network
 * failure was, so that the webhook cannot be used to tell open, closed and filtered ports
 * apart. `detail` is for the server log only.
 */
export type PostResult = { ok: true; status: number } | { ok: false; error: string; detail?: string };

/**
 * One signed POST through the outbound guard. Redirects are not followed (a 3xx counts as a
 * failure), the response body is discarded, and nothing of the secret or the response is kept.
 */
export async function postToSiem(
  url: string,
  secret: Uint8Array,
  body: string,
  headers: { event: "audit.entry" | "test"; deliveryId: string },
  options: { outbound: OutboundPolicy; timeoutMs?: number },
): Promise<PostResult> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const response = await guardedRequest(url, {
      method: "POST",
      policy: options.outbound,
      timeoutMs: options.timeoutMs ?? 10_000,
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Signet-SIEM/1",
        "X-Signet-Event": headers.event,
        "X-Signet-Delivery": headers.deliveryId,
        "X-Signet-Timestamp": timestamp,
        "X-Signet-Signature": siemSignature(secret, timestamp, body),
      },
      body,
    });
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, error: `the SIEM answered HTTP ${response.status}` };
  } catch (error) {
    if (error instanceof OutboundError && error.code === "outbound.destination_refused")
      return { ok: false, error: DESTINATION_NOT_ALLOWED, detail: error.detail };
    return {
      ok: false,
      error: "could not reach the SIEM",
      detail: error instanceof OutboundError ? error.detail : undefined,
    };
  }
}

/**
 * Delivers every due outbox row, organisation by organisation, each organisation in
 * sequence order: a row is marked delivered on a 2xx answer; otherwise its attempt is counted,
 * the error kept and the next attempt scheduled with backoff, and the organisation's later
 * rows wait behind it. Safe to run on several instances at once (see claimNext).
 */
export async function deliverPending(
  db: Db,
  options: SiemDeliveryOptions,
): Promise<{ delivered: number; failed: number }> {
  const leaseMs = options.leaseMs ?? Math.max(60_000, (options.timeoutMs ?? 10_000) * 3);
  const maxPerOrganisation = options.maxPerOrganisation ?? 500;
  let delivered = 0;
  let failed = 0;
  for (const orgId of await dueOrganisations(db)) {
    for (let i = 0; i < maxPerOrganisation; i++) {
      const row = await claimNext(db, orgId, leaseMs);
      if (row === null) break;
      const [entry, org] = await Promise.all([
        db.auditEntry.findUniqueOrThrow({ where: { id: row.entryId } }),
        db.organization.findUnique({
          where: { id: orgId },
          select: { siemWebhookUrl: true, siemSecretEncrypted: true },
        }),
      ]);
      if (org?.siemWebhookUrl == null || org.siemSecretEncrypted === null) {
        await release(db, row.id);
        break;
      }
      let result: PostResult;
      let secret: Buffer | null = null;
      try {
        secret = openSiemSecret(options.key, orgId, org.siemSecretEncrypted);
        result = await postToSiem(
          org.siemWebhookUrl,
          secret,
          JSON.stringify(auditEntryJson(entry)),
          { event: "audit.entry", deliveryId: row.id },
          options,
        );
      } catch (error) {
        result = {
          ok: false,
          error: error instanceof Error && "code" in error ? error.message : "the delivery failed",
        };
      } finally {
        secret?.fill(0);
      }
      if (result.ok) {
        await markDelivered(db, row.id);
        delivered += 1;
      } else {
        const retryInMs = retryDelayMs(row.attempts + 1, options.backoff);
        await markFailed(db, row.id, result.error, retryInMs);
        log.warn(
          {
            orgId,
            outboxId: row.id,
            seq: entry.seq,
            attempts: row.attempts + 1,
            retryInMs,
            error: result.error,
            detail: result.detail,
          },
          "SIEM delivery failed; will retry",
        );
        failed += 1;
        break;
      }
    }
  }
  return { delivered, failed };
}

/** The body of a test delivery: recognisable (X-Signet-Event: test), with nothing of the log in it. */
export function siemTestBody(orgId: string): string {
  return JSON.stringify({
    type: "signet.test",
    orgId,
    at: new Date().toISOString(),
    message: "A test event from Signet: your webhook receives and verifies deliveries.",
  });
}

export function newDeliveryId(): string {
  return randomUUID();
}
