import type { OrgContext } from "@/lib/access/org-context";
import type { Db } from "@/lib/db/client";
import type { KeyBackendKind } from "@/lib/engine/keys";
import { parseCertificate, parseCertificates, type Certificate } from "@/lib/engine/pki";
import { mayUseCertificate } from "@/lib/lifecycle/certificate-sealers";
import { SealingError } from "@/lib/sealing/sealing-errors";

export type SealingCertificateChoice = {
  id: string;
  subject: string;
  issuer: string;
  sha256: string;
  notAfter: Date;
  keyLabel: string;
  selfSigned: boolean;
};

/**
 * The certificates a signer may seal with: ACTIVE certificates of the organisation, within
 * their validity, whose key still exists (INACTIVE, SUPERSEDED and REVOKED ones never seal),
 * and whose list of allowed sealers, when it has one, names this member.
 */
export async function listSealingCertificates(
  db: Db,
  ctx: OrgContext,
  now = new Date(),
): Promise<SealingCertificateChoice[]> {
  const rows = await db.signingCertificate.findMany({
    where: {
      orgId: ctx.orgId,
      state: "ACTIVE",
      notBefore: { lte: now },
      notAfter: { gt: now },
      key: { state: "ACTIVE" },
      OR: [{ restrictSealers: false }, { sealers: { some: { userId: ctx.userId } } }],
    },
    select: {
      id: true,
      subject: true,
      issuer: true,
      sha256: true,
      notAfter: true,
      selfSigned: true,
      key: { select: { label: true } },
    },
    orderBy: [{ activatedAt: "desc" }, { createdAt: "desc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    subject: r.subject,
    issuer: r.issuer,
    sha256: r.sha256,
    notAfter: r.notAfter,
    keyLabel: r.key.label,
    selfSigned: r.selfSigned,
  }));
}

export type SealingCertificate = {
  id: string;
  sha256: string;
  subject: string;
  keyId: string;
  keyLabel: string;
  /** The key's custody (for metrics: seals are counted by it). */
  keyBackend: KeyBackendKind;
  certificate: Certificate;
  chain: Certificate[];
};

/**
 * The certificate of a sealing request, checked: of this organisation, ACTIVE, this member
 * allowed to use it, within its validity, its key not destroyed and matching it. Anything else is a SealingError saying why.
 */
export async function loadSealingCertificate(
  db: Db,
  orgId: string,
  certificateId: string,
  userId: string,
  now = new Date(),
): Promise<SealingCertificate> {
  const row = await db.signingCertificate.findFirst({
    where: { id: certificateId, orgId },
    include: { key: { select: { id: true, label: true, state: true, publicKey: true, backend: true } } },
  });
  if (row === null)
    throw new SealingError("sealing.certificate_unusable", "That certificate was not found in this organisation.", {
      status: 404,
    });
  if (row.state !== "ACTIVE") {
    throw new SealingError(
      "sealing.certificate_unusable",
      `The certificate "${row.subject}" is ${row.state.toLowerCase()}: only an active certificate can seal.`,
    );
  }
  if (!(await mayUseCertificate(db, row, userId))) {
    throw new SealingError(
      "sealing.certificate_unusable",
      `You are not among the members allowed to seal with "${row.subject}". An administrator can add you to its list.`,
      { status: 403 },
    );
  }
  if (row.key.state !== "ACTIVE")
    throw new SealingError(
      "sealing.certificate_unusable",
      `The key "${row.key.label}" of this certificate was destroyed; it cannot seal any more.`,
    );
  if (row.notBefore > now)
    throw new SealingError(
      "sealing.certificate_unusable",
      `The certificate "${row.subject}" is not valid before ${row.notBefore.toISOString().slice(0, 10)}.`,
    );
  if (row.notAfter <= now)
    throw new SealingError(
      "sealing.certificate_unusable",
      `The certificate "${row.subject}" expired on ${row.notAfter.toISOString().slice(0, 10)}.`,
    );
  const certificate = parseCertificate(new Uint8Array(row.der));
  if (!Buffer.from(certificate.spki).equals(Buffer.from(row.key.publicKey))) {
    throw new SealingError(
      "sealing.certificate_unusable",
      `The certificate "${row.subject}" does not belong to the key "${row.key.label}".`,
    );
  }
  const chain = row.chainPem.trim() === "" ? [] : parseCertificates(row.chainPem);
  return {
    id: row.id,
    sha256: row.sha256,
    subject: row.subject,
    keyId: row.key.id,
    keyLabel: row.key.label,
    keyBackend: row.key.backend,
    certificate,
    chain,
  };
}
