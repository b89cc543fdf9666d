import type { OrgContext } from "../auth/org-context";
import type { Db } from "../db/client";

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
        select: { id: true, subject: true, issuer: true, notBefore: true, notAfter: true, sha256: true, state: true, selfSigned: true },
        orderBy: { createdAt: "desc" },
      },
    },
  });
  return keys;
}

export type KeyListing = Awaited<ReturnType<typeof listKeys>>[number];

export async function organisationPolicy(db: Db, ctx: OrgContext): Promise<{ allowSelfSignedCertificates: boolean }> {
  return db.organization.findUniqueOrThrow({ where: { id: ctx.orgId }, select: { allowSelfSignedCertificates: true } });
}
