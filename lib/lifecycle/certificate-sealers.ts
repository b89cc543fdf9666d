import { z } from "zod";
import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { OrgContext } from "@/lib/access/org-context";
import { rolesAllow } from "@/lib/access/permissions";
import type { Db, Tx } from "@/lib/db/client";
import { LifecycleError } from "@/lib/lifecycle/lifecycle-errors";
import { lockCertificate } from "@/lib/lifecycle/load-certificate";

export const certificateSealersSchema = z.object({
  certificateId: z.string().uuid("Choose a certificate."),
  /** false: every member with the signer role may seal with it. */
  restricted: z.boolean(),
  userIds: z.array(z.string().uuid()).max(500),
});
export type CertificateSealers = z.infer<typeof certificateSealersSchema>;

/**
 * Who may seal with a certificate: every signer of the organisation, or only the members
 * listed. Only members who hold the signer role can be listed. Audited with before and after.
 * Caller authorised for "certificates.manage".
 */
export async function setCertificateSealers(
  db: Db,
  ctx: OrgContext,
  input: CertificateSealers,
  request: RequestMeta,
): Promise<void> {
  const { certificateId, restricted, userIds } = certificateSealersSchema.parse(input);
  const wanted = [...new Set(userIds)].sort();
  await db.$transaction(async (tx) => {
    const certificate = await lockCertificate(tx, ctx.orgId, certificateId);
    const members = await tx.membership.findMany({
      where: { orgId: ctx.orgId, userId: { in: wanted } },
      select: { userId: true, roles: true },
    });
    const signers = new Set(members.filter((m) => rolesAllow(m.roles, "documents.seal")).map((m) => m.userId));
    const notSigners = wanted.filter((id) => !signers.has(id));
    if (notSigners.length > 0)
      throw new LifecycleError(
        "lifecycle.invalid",
        "Only members with the signer role can be allowed to seal; give them the role first.",
        { field: "userIds" },
      );
    if (restricted && wanted.length === 0)
      throw new LifecycleError("lifecycle.invalid", "Choose at least one member, or allow every signer.", {
        field: "userIds",
      });
    const before = (await tx.certificateSealer.findMany({ where: { certificateId }, select: { userId: true } }))
      .map((s) => s.userId)
      .sort();
    const after = restricted ? wanted : [];
    await tx.certificateSealer.deleteMany({ where: { certificateId, userId: { notIn: after } } });
    for (const userId of after) {
      await tx.certificateSealer.upsert({
        where: { certificateId_userId: { certificateId, userId } },
        create: { certificateId, userId, orgId: ctx.orgId, addedById: ctx.userId },
        update: {},
      });
    }
    await tx.signingCertificate.update({ where: { id: certificateId }, data: { restrictSealers: restricted } });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "certificate.sealers_changed",
      subjectType: "certificate",
      subjectId: certificateId,
      data: {
        sha256: certificate.sha256,
        before: { restricted: certificate.restrictSealers, userIds: before },
        after: { restricted, userIds: after },
      },
      request,
    });
  });
}

/** Whether a member may seal with a certificate under its list (the signer role is checked elsewhere). */
export async function mayUseCertificate(
  db: Db | Tx,
  certificate: { id: string; restrictSealers: boolean },
  userId: string,
): Promise<boolean> {
  if (!certificate.restrictSealers) return true;
  return (
    (await db.certificateSealer.findUnique({
      where: { certificateId_userId: { certificateId: certificate.id, userId } },
    })) !== null
  );
}
