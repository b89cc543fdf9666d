import { appendAudit } from "@/lib/audit/append-audit";
import type { Tx } from "@/lib/db/client";
import { approvalFacts, type LifecycleActor } from "@/lib/lifecycle/lifecycle-audit";
import { assertActivatable, lockCertificate } from "@/lib/lifecycle/load-certificate";

export type ActivateCertificate = { certificateId: string };

/** Checks, without changing anything, that the certificate can be activated now. */
export async function checkActivation(tx: Tx, orgId: string, action: ActivateCertificate, now = new Date()) {
  const certificate = await lockCertificate(tx, orgId, action.certificateId);
  assertActivatable(certificate, now);
  return certificate;
}

/** An enrolled certificate starts sealing. Audited in the same transaction. */
export async function activateCertificateInTx(
  tx: Tx,
  actor: LifecycleActor,
  action: ActivateCertificate,
  now = new Date(),
): Promise<void> {
  const certificate = await checkActivation(tx, actor.orgId, action, now);
  await tx.signingCertificate.update({ where: { id: certificate.id }, data: { state: "ACTIVE", activatedAt: now } });
  await appendAudit(tx, {
    orgId: actor.orgId,
    actorId: actor.userId,
    action: "certificate.activated",
    subjectType: "certificate",
    subjectId: certificate.id,
    data: {
      keyId: certificate.keyId,
      sha256: certificate.sha256,
      subject: certificate.subject,
      testing: certificate.selfSigned,
      ...approvalFacts(actor),
    },
    request: actor.request,
  });
}
