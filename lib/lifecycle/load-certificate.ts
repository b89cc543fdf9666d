import type { Tx } from "@/lib/db/client";
import { LifecycleError } from "@/lib/lifecycle/lifecycle-errors";
import { readableName } from "@/lib/engine/pki";

/** A certificate of the organisation, with its key, locked for the rest of the transaction. */
export async function lockCertificate(tx: Tx, orgId: string, certificateId: string) {
  await tx.$queryRaw`SELECT id FROM "SigningCertificate" WHERE id = ${certificateId} AND "orgId" = ${orgId} FOR UPDATE`;
  const certificate = await tx.signingCertificate.findFirst({
    where: { id: certificateId, orgId },
    include: { key: { select: { id: true, label: true, state: true, backend: true } } },
  });
  if (certificate === null)
    throw new LifecycleError("lifecycle.not_found", "That certificate was not found in this organisation.");
  return certificate;
}

export type LockedCertificate = Awaited<ReturnType<typeof lockCertificate>>;

/** What a certificate must be to start sealing: enrolled and never used, its key alive, within validity. */
export function assertActivatable(certificate: LockedCertificate, now: Date): void {
  if (certificate.state !== "INACTIVE") {
    throw new LifecycleError(
      "lifecycle.wrong_state",
      `The certificate "${readableName(certificate.subject)}" is ${certificate.state.toLowerCase()}; only a newly enrolled certificate can be activated.`,
    );
  }
  if (certificate.key.state === "DESTROYED")
    throw new LifecycleError(
      "lifecycle.key_destroyed",
      `The key "${certificate.key.label}" of "${readableName(certificate.subject)}" was destroyed; the certificate cannot seal any more.`,
    );
  if (certificate.notBefore > now)
    throw new LifecycleError(
      "lifecycle.wrong_state",
      `The certificate "${readableName(certificate.subject)}" is not valid before ${certificate.notBefore.toISOString().slice(0, 10)}.`,
    );
  if (certificate.notAfter <= now)
    throw new LifecycleError(
      "lifecycle.wrong_state",
      `The certificate "${readableName(certificate.subject)}" expired on ${certificate.notAfter.toISOString().slice(0, 10)}.`,
    );
}
