import type { CertificateEvent } from "@/lib/lifecycle/certificate-timeline";
import { revocationReasonName, type RevocationReasonName } from "@/lib/lifecycle/revocation-reasons";

export type CertificateStatusName = "inactive" | "active" | "superseded" | "revoked" | "expired" | "not_yet_valid";

export type CertificateStatus = {
  status: CertificateStatusName;
  /** When the status began (activation, rotation, revocation's effective time, expiry). */
  since?: Date;
  revocationReason?: RevocationReasonName | "unknown";
  successorId?: string;
};

/**
 * A certificate's status at a moment, replayed from its audit timeline: revocation wins from
 * its effective time on, then expiry, then supersession by rotation, then activation.
 * A revocation recorded later with an effective time in the past applies from that time:
 * "valid at signing time" is judged against when the revocation took effect, not when an
 * administrator wrote it down.
 */
export function certificateStatusAt(
  timeline: readonly CertificateEvent[],
  validity: { notBefore: Date; notAfter: Date; activatedAt?: Date | null },
  at: Date,
): CertificateStatus {
  const revocation = timeline.find((e) => e.action === "certificate.revoked" && effectiveAt(e) <= at);
  if (revocation !== undefined) {
    const code = typeof revocation.data.reasonCode === "number" ? revocation.data.reasonCode : -1;
    return { status: "revoked", since: effectiveAt(revocation), revocationReason: revocationReasonName(code) };
  }
  if (at < validity.notBefore) return { status: "not_yet_valid", since: validity.notBefore };
  if (at >= validity.notAfter) return { status: "expired", since: validity.notAfter };
  const rotation = timeline.find((e) => e.action === "certificate.rotated" && e.at <= at);
  if (rotation !== undefined) {
    const successorId = typeof rotation.data.successorId === "string" ? rotation.data.successorId : undefined;
    return { status: "superseded", since: rotation.at, ...(successorId === undefined ? {} : { successorId }) };
  }
  const activation = timeline.find((e) => e.action === "certificate.activated" && wholeSecond(e.at) <= at);
  if (activation !== undefined) return { status: "active", since: activation.at };
  // Certificates activated before activation was audited (none in a Signet installation; test fixtures) fall back to the row.
  if (
    !timeline.some((e) => e.action === "certificate.activated") &&
    validity.activatedAt != null &&
    wholeSecond(validity.activatedAt) <= at
  )
    return { status: "active", since: validity.activatedAt };
  return { status: "inactive" };
}

/** Signing times have whole seconds (a PDF date holds no more): an activation in the same second came first. */
function wholeSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

function effectiveAt(event: CertificateEvent): Date {
  const value = event.data.effectiveAt;
  if (typeof value === "string") {
    const parsed = new Date(value);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  return event.at;
}
