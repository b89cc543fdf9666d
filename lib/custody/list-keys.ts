import { appendAudit, type RequestMeta } from "@/lib/audit/append-audit";
import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";

/** What the certificates page shows: keys (never their secrets), their requests and certificates. */
export async function listKeys(db: Db, ctx: OrgContext) {
  const keys = await db.signingKey.findMany({
    where: { orgId: ctx.orgId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      label: true,
      backend: true,
      algorithm: true,
      publicKeySha256: true,
      kmsKeyArn: true,
      kmsRegion: true,
      pkcs11Token: true,
      pkcs11KeyLabel: true,
      state: true,
      createdAt: true,
      requests: { select: { id: true, createdAt: true, subject: true }, orderBy: { createdAt: "desc" }, take: 1 },
      certificates: {
        select: {
          id: true,
          subject: true,
          issuer: true,
          notBefore: true,
          notAfter: true,
          sha256: true,
          state: true,
          selfSigned: true,
        },
        orderBy: { createdAt: "desc" },
      },
    },
  });
  return keys;
}

export type KeyListing = Awaited<ReturnType<typeof listKeys>>[number];

/** Turns the "testing" policy (self-signed certificates may be enrolled) on or off, audited. Caller authorised for "settings.manage". */
export async function setSelfSignedPolicy(
  db: Db,
  ctx: OrgContext,
  allow: boolean,
  request: RequestMeta,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({
      where: { id: ctx.orgId },
      select: { allowSelfSignedCertificates: true },
    });
    if (before.allowSelfSignedCertificates === allow) return;
    await tx.organization.update({ where: { id: ctx.orgId }, data: { allowSelfSignedCertificates: allow } });
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actorId: ctx.userId,
      action: "org.policy_changed",
      subjectType: "organisation",
      subjectId: ctx.orgId,
      data: { allowSelfSignedCertificates: { before: before.allowSelfSignedCertificates, after: allow } },
      request,
    });
  });
}

export async function organisationPolicy(db: Db, ctx: OrgContext): Promise<{ allowSelfSignedCertificates: boolean }> {
  return db.organization.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { allowSelfSignedCertificates: true } });
}
