import { z } from "zod";
import { appendAudit } from "@/lib/audit/append-audit";
import type { Tx } from "@/lib/db/client";
import { approvalFacts, type LifecycleActor } from "@/lib/lifecycle/lifecycle-audit";
import { LifecycleError } from "@/lib/lifecycle/lifecycle-errors";
import { lockCertificate } from "@/lib/lifecycle/load-certificate";
import { isRevocationReasonCode, revocationReasonName } from "@/lib/lifecycle/revocation-reasons";
import { readableName } from "@/lib/engine/pki";

export const revokeCertificateSchema = z.object({
  certificateId: z.string().uuid("Choose the certificate to revoke."),
  reasonCode: z.coerce.number().int().refine(isRevocationReasonCode, "Choose an RFC 5280 revocation reason."),
  /** ISO time from which the revocation applies; absent: now. Never in the future. */
  effectiveAt: z.string().datetime({ offset: true, message: "Give the effective time as a date and time." }).optional(),
  comment: z.string().trim().max(500, "Keep the comment under 500 characters.").optional(),
});
export type RevokeCertificate = z.infer<typeof revokeCertificateSchema>;

/** When a revocation takes effect; it may be backdated (a compromise found late) but not postdated. */
export function revocationEffectiveAt(action: RevokeCertificate, now: Date): Date {
  if (action.effectiveAt === undefined) return now;
  const at = new Date(action.effectiveAt);
  if (at.getTime() > now.getTime() + 60_000)
    throw new LifecycleError(
      "lifecycle.invalid",
      "A revocation cannot take effect in the future: give a time up to now.",
      { field: "effectiveAt" },
    );
  return at > now ? now : at;
}

export async function checkRevocation(tx: Tx, orgId: string, action: RevokeCertificate, now = new Date()) {
  const certificate = await lockCertificate(tx, orgId, action.certificateId);
  if (certificate.state === "REVOKED")
    throw new LifecycleError(
      "lifecycle.wrong_state",
      `The certificate "${readableName(certificate.subject)}" is already revoked.`,
    );
  const effectiveAt = revocationEffectiveAt(action, now);
  return { certificate, effectiveAt };
}

/**
 * Revokes a certificate: from the effective time on it seals nothing more; seals made before
 * stay valid-at-the-time. Nothing is re-signed.
 */
export async function revokeCertificateInTx(
  tx: Tx,
  actor: LifecycleActor,
  action: RevokeCertificate,
  now = new Date(),
): Promise<void> {
  const { certificate, effectiveAt } = await checkRevocation(tx, actor.orgId, action, now);
  await tx.signingCertificate.update({
    where: { id: certificate.id },
    data: { state: "REVOKED", revokedAt: now, revocationReason: action.reasonCode, revocationEffectiveAt: effectiveAt },
  });
  const sealsAfter = await tx.seal.count({ where: { certificateId: certificate.id, sealedAt: { gte: effectiveAt } } });
  await appendAudit(tx, {
    orgId: actor.orgId,
    actorId: actor.userId,
    action: "certificate.revoked",
    subjectType: "certificate",
    subjectId: certificate.id,
    data: {
      sha256: certificate.sha256,
      subject: certificate.subject,
      stateBefore: certificate.state,
      reasonCode: action.reasonCode,
      reasonName: revocationReasonName(action.reasonCode),
      effectiveAt: effectiveAt.toISOString(),
      comment: action.comment ?? null,
      sealsAfterEffectiveTime: sealsAfter,
      ...approvalFacts(actor),
    },
    request: actor.request,
  });
}
