import type { OrgContext } from "@/lib/access/org-context";
import { rolesAllow } from "@/lib/access/permissions";
import type { Db } from "@/lib/db/client";
import { certificateTimeline, type CertificateEvent } from "@/lib/lifecycle/certificate-timeline";
import { lifecycleState, type LifecycleState } from "@/lib/lifecycle/certificate-overview";

export type TimelineItem = CertificateEvent & { actor: string | null };

/**
 * One certificate for its page: facts, lifecycle state, seals, its timeline from the audit
 * trail with actors named, who may seal with it, and the certificates that could succeed it.
 * Null when it is not a certificate of this organisation.
 */
export async function certificateDetails(db: Db, ctx: OrgContext, certificateId: string, now = new Date()) {
  const certificate = await db.signingCertificate.findFirst({
    where: { id: certificateId, orgId: ctx.orgId },
    select: {
      id: true,
      subject: true,
      issuer: true,
      serialHex: true,
      notBefore: true,
      notAfter: true,
      sha256: true,
      selfSigned: true,
      state: true,
      activatedAt: true,
      supersededAt: true,
      successorId: true,
      revokedAt: true,
      revocationReason: true,
      revocationEffectiveAt: true,
      restrictSealers: true,
      key: {
        select: {
          id: true,
          label: true,
          backend: true,
          algorithm: true,
          state: true,
          publicKeySha256: true,
          destroyedAt: true,
        },
      },
      sealers: { select: { userId: true } },
    },
  });
  if (certificate === null) return null;
  const [timeline, seals, lastSeal, members, successors, predecessor] = await Promise.all([
    certificateTimeline(db, ctx.orgId, certificate.id),
    db.seal.count({ where: { orgId: ctx.orgId, certificateId: certificate.id } }),
    db.seal.findFirst({
      where: { orgId: ctx.orgId, certificateId: certificate.id },
      orderBy: { sealedAt: "desc" },
      select: { sealedAt: true },
    }),
    db.membership.findMany({
      where: { orgId: ctx.orgId },
      include: { user: { select: { id: true, name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.signingCertificate.findMany({
      where: {
        orgId: ctx.orgId,
        state: "INACTIVE",
        id: { not: certificate.id },
        notBefore: { lte: now },
        notAfter: { gt: now },
        key: { state: "ACTIVE" },
      },
      select: { id: true, subject: true, sha256: true, notAfter: true, key: { select: { label: true } } },
      orderBy: { createdAt: "desc" },
    }),
    db.signingCertificate.findFirst({
      where: { orgId: ctx.orgId, successorId: certificate.id },
      select: { id: true, subject: true },
    }),
  ]);
  const names = new Map(members.map((m) => [m.user.id, m.user.name]));
  const missing = [
    ...new Set(timeline.map((e) => e.actorId).filter((id): id is string => id !== null && !names.has(id))),
  ];
  for (const u of await db.user.findMany({ where: { id: { in: missing } }, select: { id: true, name: true } }))
    names.set(u.id, `${u.name} (former member)`);
  const state: LifecycleState = lifecycleState(certificate, certificate.key.state, now);
  const successor =
    certificate.successorId === null
      ? null
      : await db.signingCertificate.findFirst({
          where: { id: certificate.successorId, orgId: ctx.orgId },
          select: { id: true, subject: true },
        });
  return {
    certificate,
    state,
    daysLeft: Math.floor((certificate.notAfter.getTime() - now.getTime()) / 86_400_000),
    seals,
    lastSealAt: lastSeal?.sealedAt ?? null,
    timeline: timeline.map((e): TimelineItem => ({
      ...e,
      actor: e.actorId === null ? null : (names.get(e.actorId) ?? "(unknown)"),
    })),
    signers: members
      .filter((m) => rolesAllow(m.roles, "documents.seal"))
      .map((m) => ({
        userId: m.user.id,
        name: m.user.name,
        email: m.user.email,
        allowed: certificate.sealers.some((s) => s.userId === m.user.id),
      })),
    successors: successors.map((s) => ({
      id: s.id,
      subject: s.subject,
      sha256: s.sha256,
      notAfter: s.notAfter,
      keyLabel: s.key.label,
    })),
    successor,
    predecessor,
  };
}

export type CertificateDetails = NonNullable<Awaited<ReturnType<typeof certificateDetails>>>;
