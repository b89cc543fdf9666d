import { z } from "zod";
import { appendAudit } from "@/lib/audit/append-audit";
import type { Tx } from "@/lib/db/client";
import { approvalFacts, type LifecycleActor } from "@/lib/lifecycle/lifecycle-audit";
import { LifecycleError } from "@/lib/lifecycle/lifecycle-errors";
import { assertActivatable, lockCertificate } from "@/lib/lifecycle/load-certificate";
import { readableName } from "@/lib/engine/pki";

export const rotateCertificateSchema = z.object({
  certificateId: z.string().uuid("Choose the certificate to rotate."),
  successorId: z.string().uuid("Choose the certificate that takes over."),
  reason: z
    .string()
    .trim()
    .min(3, "Give the reason for this rotation.")
    .max(500, "Keep the reason under 500 characters."),
});
export type RotateCertificate = z.infer<typeof rotateCertificateSchema>;

/**
 * Rotation checks: the predecessor is active, the successor is a different, enrolled, unused
 * certificate of the organisation that could be activated now.
 */
export async function checkRotation(tx: Tx, orgId: string, action: RotateCertificate, now = new Date()) {
  if (action.certificateId === action.successorId)
    throw new LifecycleError("lifecycle.invalid", "A certificate cannot succeed itself: choose another certificate.", {
      field: "successorId",
    });
  const predecessor = await lockCertificate(tx, orgId, action.certificateId);
  const successor = await lockCertificate(tx, orgId, action.successorId);
  if (predecessor.state !== "ACTIVE")
    throw new LifecycleError(
      "lifecycle.wrong_state",
      `The certificate "${readableName(predecessor.subject)}" is ${predecessor.state.toLowerCase()}; only an active certificate can be rotated.`,
    );
  assertActivatable(successor, now);
  return { predecessor, successor };
}

/**
 * The successor takes over: it becomes active, the predecessor superseded. Nothing is
 * re-signed; seals keep naming the certificate that made them, which stays verifiable.
 * The predecessor's list of allowed sealers carries over to the successor.
 */
export async function rotateCertificateInTx(
  tx: Tx,
  actor: LifecycleActor,
  action: RotateCertificate,
  now = new Date(),
): Promise<void> {
  const { predecessor, successor } = await checkRotation(tx, actor.orgId, action, now);
  await tx.signingCertificate.update({
    where: { id: predecessor.id },
    data: { state: "SUPERSEDED", supersededAt: now, successorId: successor.id },
  });
  await tx.signingCertificate.update({
    where: { id: successor.id },
    data: { state: "ACTIVE", activatedAt: now, restrictSealers: predecessor.restrictSealers },
  });
  const sealers = await tx.certificateSealer.findMany({
    where: { certificateId: predecessor.id },
    select: { userId: true },
  });
  for (const { userId } of sealers) {
    await tx.certificateSealer.upsert({
      where: { certificateId_userId: { certificateId: successor.id, userId } },
      create: { certificateId: successor.id, userId, orgId: actor.orgId, addedById: actor.userId },
      update: {},
    });
  }
  const facts = {
    reason: action.reason,
    oldSha256: predecessor.sha256,
    newSha256: successor.sha256,
    ...approvalFacts(actor),
  };
  await appendAudit(tx, {
    orgId: actor.orgId,
    actorId: actor.userId,
    action: "certificate.rotated",
    subjectType: "certificate",
    subjectId: predecessor.id,
    data: { ...facts, successorId: successor.id, sealersCarried: sealers.map((s) => s.userId) },
    request: actor.request,
  });
  await appendAudit(tx, {
    orgId: actor.orgId,
    actorId: actor.userId,
    action: "certificate.activated",
    subjectType: "certificate",
    subjectId: successor.id,
    data: {
      ...facts,
      keyId: successor.keyId,
      sha256: successor.sha256,
      subject: successor.subject,
      testing: successor.selfSigned,
      rotatedFrom: predecessor.id,
    },
    request: actor.request,
  });
}
